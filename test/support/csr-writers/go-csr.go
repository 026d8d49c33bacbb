// Writes a CSR with Go's crypto/x509 (Debian's golang-go), as a Go device agent or
// step-ca-style client does: a P-256 key from crypto/ecdsa and
// x509.CreateCertificateRequest with a subject and a DNS name (Go's template has no
// challengePassword field). Built and run at test time by test/support/csr-writer-corpus.ts
// (GO111MODULE=off, GOPROXY=off, GOTOOLCHAIN=local, GOCACHE/GOPATH in a temp dir); nothing
// it writes is committed.
//
//	go-csr OUTDIR  ->  OUTDIR/p256.der
//
// Prints the Go version.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-csr OUTDIR")
		os.Exit(2)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail("GenerateKey", err)
	}
	template := &x509.CertificateRequest{
		Subject: pkix.Name{
			Country:      []string{"DE"},
			Organization: []string{"Acme"},
			CommonName:   "dev-1",
			SerialNumber: "SN0001",
		},
		DNSNames: []string{"dev-1.example"},
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, template, key)
	if err != nil {
		fail("CreateCertificateRequest", err)
	}
	if err := os.WriteFile(filepath.Join(os.Args[1], "p256.der"), der, 0o644); err != nil {
		fail("write", err)
	}
	fmt.Println(runtime.Version())
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "go-csr: %s: %v\n", what, err)
	os.Exit(1)
}
