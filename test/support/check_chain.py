#!/usr/bin/python3
"""Independent check of a Hallmark chain with Debian's python3-cryptography.

usage: check_chain.py ROOT.pem INTERMEDIATE.pem LEAF.pem [--idevid HWTYPE HWSERIALHEX SERIALNUMBER [--no-expiry]]
Prints one JSON line of what it read; exits 1 with a message on the first failed check.
"""
import datetime
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtensionOID, NameOID


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def load(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def verify_signed_by(cert, issuer):
    key = issuer.public_key()
    sig, tbs = cert.signature, cert.tbs_certificate_bytes
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(sig, tbs, ec.ECDSA(cert.signature_hash_algorithm))
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(sig, tbs, padding.PKCS1v15(), cert.signature_hash_algorithm)
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(sig, tbs)
    else:
        fail("unsupported issuer key")
    if cert.issuer != issuer.subject:
        fail("issuer name mismatch")
    aki = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value
    ski = issuer.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value
    if aki.key_identifier != ski.digest:
        fail("AKI does not match issuer SKI")


def der_len(b, i):
    n = b[i]
    if n < 0x80:
        return n, i + 1
    k = n & 0x7F
    return int.from_bytes(b[i + 1:i + 1 + k], "big"), i + 1 + k


def parse_hw_module_name(value):
    # HardwareModuleName ::= SEQUENCE { hwType OID, hwSerialNum OCTET STRING }
    b = value
    if b[0] == 0xA0:  # some versions hand back the [0] EXPLICIT wrapper
        _, i = der_len(b, 1)
        b = b[i:]
    if b[0] != 0x30:
        fail("HardwareModuleName is not a SEQUENCE")
    seq_len, i = der_len(b, 1)
    if b[i] != 0x06:
        fail("hwType is not an OID")
    oid_len, j = der_len(b, i + 1)
    # Decode the OID by hand: cryptography has no public DER OID decoder.
    arcs, val = [], 0
    for byte in b[j:j + oid_len]:
        val = (val << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(val)
            val = 0
    first = min(arcs[0] // 40, 2)
    dotted = ".".join(str(a) for a in [first, arcs[0] - 40 * first] + arcs[1:])
    k = j + oid_len
    if b[k] != 0x04:
        fail("hwSerialNum is not an OCTET STRING")
    ser_len, m = der_len(b, k + 1)
    return dotted, b[m:m + ser_len].hex()


def main():
    root, inter, leaf = (load(p) for p in sys.argv[1:4])
    verify_signed_by(inter, root)
    verify_signed_by(leaf, inter)
    for ca in (root, inter):
        bc = ca.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
        if not (bc.critical and bc.value.ca):
            fail("CA without critical basicConstraints cA=TRUE")
        ku = ca.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
        if not (ku.key_cert_sign and ku.crl_sign):
            fail("CA without keyCertSign/cRLSign")
    out = {"leafSubject": leaf.subject.rfc4514_string(), "serial": format(leaf.serial_number, "x")}
    if "--idevid" in sys.argv:
        k = sys.argv.index("--idevid")
        hw_type, hw_serial_hex, serial_number = sys.argv[k + 1:k + 4]
        sn = leaf.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
        if len(sn) != 1 or sn[0].value != serial_number:
            fail("subject serialNumber missing or wrong")
        if sn[0]._type.name != "PrintableString":
            fail("subject serialNumber is not a PrintableString")
        san = leaf.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
        if san.critical:
            fail("SAN is critical")
        others = [g for g in san.value if isinstance(g, x509.OtherName)]
        if len(others) != 1 or others[0].type_id.dotted_string != "1.3.6.1.5.5.7.8.4":
            fail("no hardwareModuleName otherName")
        got_type, got_serial = parse_hw_module_name(others[0].value)
        if got_type != hw_type or got_serial != hw_serial_hex:
            fail(f"hardwareModuleName is {got_type}/{got_serial}")
        ku = leaf.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
        if not ku.digital_signature or ku.key_cert_sign:
            fail("IDevID keyUsage wrong")
        if "--no-expiry" in sys.argv:
            if leaf.not_valid_after != datetime.datetime(9999, 12, 31, 23, 59, 59):
                fail(f"notAfter is {leaf.not_valid_after}, not 99991231235959Z")
        out["hwType"], out["hwSerialNum"] = got_type, got_serial
        out["notAfter"] = leaf.not_valid_after.isoformat()
    print(json.dumps(out))


main()
