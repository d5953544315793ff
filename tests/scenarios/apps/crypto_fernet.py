# cryptography: Fernet (AES-CBC and HMAC through the cffi OpenSSL binding, which imports _cffi_backend),
# hashes, and a self-signed X.509 certificate built, signed and parsed back (the Rust binding).
import datetime

from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.bindings._openssl import ffi, lib
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

f = Fernet(b"kr8CfPPuvH2M5mjeTpgIVsvw0ov2YlHAtWG2zUWOS7c=")
token = f.encrypt(b"attack at dawn")
print("fernet", f.decrypt(token), len(token))

h = hashes.Hash(hashes.SHA256())
h.update(b"abc")
print("sha256", h.finalize().hex())
h = hashes.Hash(hashes.BLAKE2b(64))
h.update(b"abc")
print("blake2b", h.finalize().hex()[:32])

key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "raison.test"),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Raison")])
start = datetime.datetime(2024, 1, 1)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(12345).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("raison.test")]), critical=False)
        .sign(key, hashes.SHA256()))
pem = cert.public_bytes(serialization.Encoding.PEM)
back = x509.load_pem_x509_certificate(pem)
print("cert", back.subject.rfc4514_string(), back.serial_number, back.not_valid_after.isoformat())
print("san", back.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName))
back.public_key().verify(back.signature, back.tbs_certificate_bytes, ec.ECDSA(back.signature_hash_algorithm))
print("signature verified", back.signature_hash_algorithm.name)
print("openssl binding", type(ffi).__module__, lib.OpenSSL_version_num() > 0x30000000)
