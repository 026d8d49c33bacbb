"""Writes CSRs with Debian's python3-cryptography (pyca), as a Python provisioning agent
does: x509.CertificateSigningRequestBuilder with a subject, a DNS name and a
challengePassword. Run at test time (with /usr/bin/python3) by
test/support/csr-writer-corpus.ts; nothing it writes is committed.

    /usr/bin/python3 pyca-csr.py OUTDIR  ->  OUTDIR/p256.der, OUTDIR/ed25519.der

Prints the library's version.
"""
import sys
from pathlib import Path

import cryptography
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import AttributeOID, NameOID


def write(out: Path, name: str, key, algorithm) -> None:
    builder = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "dev-1"),
                    x509.NameAttribute(NameOID.SERIAL_NUMBER, "SN0001"),
                ]
            )
        )
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("dev-1.example")]), critical=False)
        .add_attribute(AttributeOID.CHALLENGE_PASSWORD, b"9f2c41d7e0b8a3f6c2d1e5a7b9c0f4e8")
    )
    csr = builder.sign(key, algorithm)
    (out / f"{name}.der").write_bytes(csr.public_bytes(Encoding.DER))


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: pyca-csr.py OUTDIR")
    out = Path(sys.argv[1])
    write(out, "p256", ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())
    write(out, "ed25519", ed25519.Ed25519PrivateKey.generate(), None)
    print(cryptography.__version__)


main()
