#!/usr/bin/python3
"""Independent check of a Matter attestation chain with Debian's python3-cryptography.

usage: check_matter_chain.py PAA.pem PAI.pem DAC.pem
Implements the certificate rules of docs/matter.md on its own (no Hallmark code).
Prints one JSON line {"ok": true, "vid": ..., "pid": ...}, or exits 1 printing
"RULE: message" for the first failed rule.
"""
import json
import re
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID, NameOID, SignatureAlgorithmOID

VID_OID = x509.ObjectIdentifier("1.3.6.1.4.1.37244.2.1")
PID_OID = x509.ObjectIdentifier("1.3.6.1.4.1.37244.2.2")
HEX4 = re.compile(r"^[0-9A-F]{4}$")


def fail(rule, msg):
    print(f"{rule}: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def ids(cert, oid, legacy_tag):
    attrs = cert.subject.get_attributes_for_oid(oid)
    for a in attrs:
        if a._type != x509.name._ASN1Type.UTF8String:
            fail("matter.vendor-id" if oid == VID_OID else "matter.product-id", "not a UTF8String")
    values = [a.value for a in attrs]
    if not values:
        for cn in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
            m = re.search(legacy_tag + r":([0-9A-F]{4})", cn.value)
            if m:
                values.append(m.group(1))
    return values


def ext(cert, oid):
    try:
        return cert.extensions.get_extension_for_oid(oid)
    except x509.ExtensionNotFound:
        return None


def check(cert, role):
    name = role.upper()
    if cert.version != x509.Version.v3:
        fail("matter.version-v3", f"{name} is not v3")
    if cert.signature_algorithm_oid != SignatureAlgorithmOID.ECDSA_WITH_SHA256:
        fail("matter.signature-ecdsa-sha256", f"{name} signature algorithm {cert.signature_algorithm_oid.dotted_string}")
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        fail("matter.public-key-p256", f"{name} key is not P-256")
    serial = cert.serial_number
    if serial <= 0 or (serial.bit_length() + 8) // 8 > 20:
        fail("matter.serial-number", f"{name} serial {serial}")
    ski = ext(cert, ExtensionOID.SUBJECT_KEY_IDENTIFIER)
    if ski is None or ski.critical or len(ski.value.digest) != 20:
        fail("matter.subject-key-id", f"{name} SKI missing, critical or not 20 bytes")
    aki = ext(cert, ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
    if role != "paa" and (aki is None or aki.critical or aki.value.key_identifier is None or len(aki.value.key_identifier) != 20):
        fail("matter.authority-key-id", f"{name} AKI missing, critical or not 20 bytes")
    bc = ext(cert, ExtensionOID.BASIC_CONSTRAINTS)
    if bc is None or not bc.critical:
        fail("matter.basic-constraints", f"{name} basicConstraints missing or not critical")
    ca, path = bc.value.ca, bc.value.path_length
    ok = {"paa": ca and path in (None, 1), "pai": ca and path == 0, "dac": (not ca) and path is None}[role]
    if not ok:
        fail("matter.basic-constraints", f"{name} cA={ca} pathLen={path}")
    ku = ext(cert, ExtensionOID.KEY_USAGE)
    if ku is None or not ku.critical:
        fail("matter.key-usage", f"{name} keyUsage missing or not critical")
    k = ku.value
    flags = {n for n in ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign") if getattr(k, n)}
    if role == "dac":
        if flags != {"digital_signature"}:
            fail("matter.key-usage", f"DAC keyUsage {sorted(flags)}")
    elif not {"key_cert_sign", "crl_sign"} <= flags or flags - {"key_cert_sign", "crl_sign", "digital_signature"}:
        fail("matter.key-usage", f"{name} keyUsage {sorted(flags)}")
    vids, pids = ids(cert, VID_OID, "Mvid"), ids(cert, PID_OID, "Mpid")
    if len(vids) > 1 or (role != "paa" and not vids) or any(not HEX4.match(v) for v in vids):
        fail("matter.vendor-id", f"{name} VendorID {vids}")
    if role == "paa" and pids:
        fail("matter.product-id", "PAA carries a ProductID")
    if len(pids) > 1 or (role == "dac" and not pids) or any(not HEX4.match(p) for p in pids):
        fail("matter.product-id", f"{name} ProductID {pids}")
    if role != "paa" and len(cert.public_bytes(serialization.Encoding.DER)) > 600:
        fail("matter.size", f"{name} is over 600 bytes")
    return (vids[0] if vids else None), (pids[0] if pids else None)


def validity(cert):
    # cryptography >= 42 has the *_utc properties; older Debian releases only the naive ones (UTC)
    if hasattr(cert, "not_valid_before_utc"):
        return cert.not_valid_before_utc.replace(tzinfo=None), cert.not_valid_after_utc.replace(tzinfo=None)
    return cert.not_valid_before, cert.not_valid_after


def signed_by(cert, issuer, role):
    if cert.issuer != issuer.subject:
        fail("matter.chain-signature", f"{role.upper()} issuer name differs")
    try:
        issuer.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
    except Exception as e:  # noqa: BLE001
        fail("matter.chain-signature", f"{role.upper()} signature does not verify: {e}")
    if role != "paa":
        aki = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier
        ski = issuer.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value.digest
        if aki != ski:
            fail("matter.chain-signature", f"{role.upper()} AKI differs from its issuer's SKI")


def main():
    paa, pai, dac = (load(p) for p in sys.argv[1:4])
    paa_vid, _ = check(paa, "paa")
    pai_vid, pai_pid = check(pai, "pai")
    dac_vid, dac_pid = check(dac, "dac")
    if dac_vid != pai_vid or (paa_vid is not None and paa_vid != pai_vid):
        fail("matter.vid-matches-issuer", f"PAA {paa_vid} PAI {pai_vid} DAC {dac_vid}")
    if pai_pid is not None and pai_pid != dac_pid:
        fail("matter.pid-matches-issuer", f"PAI {pai_pid} DAC {dac_pid}")
    t = validity(dac)[0]
    for c, n in ((pai, "PAI"), (paa, "PAA")):
        if not (validity(c)[0] <= t <= validity(c)[1]):
            fail("matter.dac-not-before-in-chain", f"DAC notBefore outside the {n}'s validity")
    signed_by(paa, paa, "paa")
    signed_by(pai, paa, "pai")
    signed_by(dac, pai, "dac")
    print(json.dumps({"ok": True, "vid": dac_vid, "pid": dac_pid}))


main()
