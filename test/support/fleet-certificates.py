"""Device certificates for the inventory health and reconcile tests, made by python3-cryptography
(independent of Hallmark's encoder): each with its own notAfter and key algorithm, one key on two
devices, and certificates issued outside any manifest. Prints JSON: name -> base64 DER."""
import base64, datetime, json, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, ed25519

def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

def ca(cn):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(name(cn)).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2026, 1, 1)).not_valid_after(datetime.datetime(2040, 1, 1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert

def device(issuer, cn, key, not_after):
    ikey, icert = issuer
    b = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(icert.subject).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(datetime.datetime(2026, 1, 1)).not_valid_after(not_after)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ikey.public_key()), critical=False))
    return b.sign(ikey, hashes.SHA256())

mfg = ca('Hallmark Test Manufacturing CA')
other = ca('Somebody Else CA')
p256 = lambda: ec.generate_private_key(ec.SECP256R1())
cloned = p256()
D = datetime.datetime
certs = {
    'd1': device(mfg, 'd1', cloned, D(2027, 2, 10)),
    'd2': device(mfg, 'd2', p256(), D(2027, 6, 20)),
    'd3': device(mfg, 'd3', rsa.generate_private_key(public_exponent=65537, key_size=2048), D(2028, 6, 1)),
    'd4': device(mfg, 'd4', ed25519.Ed25519PrivateKey.generate(), D(9999, 12, 31, 23, 59, 59)),
    'd5': device(mfg, 'd5', cloned, D(2027, 2, 20)),
    'd6': device(mfg, 'd6', p256(), D(2027, 3, 1)),
    'd7': device(mfg, 'd7', p256(), D(2026, 12, 1)),
    'd8': device(mfg, 'd8', p256(), D(2027, 4, 1)),
    'unauthorized': device(mfg, 'rogue', p256(), D(2030, 1, 1)),
    'foreign': device(other, 'foreign', p256(), D(2030, 1, 1)),
    'ca': mfg[1],
}
json.dump({k: base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for k, c in certs.items()}, sys.stdout)
