"""Certificates for stores that serve TLS: the files a spec names, or a CA and server certificates datastack makes.

Generated material lives in `<state_dir>/tls/` (root's, 0755; keys 0600): one CA per environment (`ca.key` never
leaves this directory) and one certificate per server, named by its plan entry. A second `up` reuses them; a
server certificate is issued again when its names change, its CA changed, or it expires within RENEW_WITHIN.
The plan carries what each server reads (CA, certificate, key) as files of that server, so every engine delivers
them like any other config file: the key owned by the service's user, 0600.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .spec import EnvironmentSpec
    from .spec.tls import TlsClientSpec, TlsSpec

TLS_DIR = "tls"
CA_VALID = timedelta(days=3650)
SERVER_VALID = timedelta(days=397)  # what browsers and most TLS stacks accept for a leaf
RENEW_WITHIN = timedelta(days=30)  # longer than the default expiry budget of `check` (checks.tls_expiry_days)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
SERVER_CA_FILE = "tls-ca.crt"  # beside a server's config: the CA that signed its certificate (its own checks use it)


@dataclass(frozen=True)
class ServerTls:
    """The PEM texts one server reads."""

    ca_pem: str
    cert_pem: str
    key_pem: str

    @property
    def key_and_cert_pem(self) -> str:
        """Both in one PEM, for servers that read them so; masked material stays one mask."""
        if self.key_pem == self.cert_pem:
            return self.key_pem
        return self.key_pem.rstrip("\n") + "\n" + self.cert_pem


def client_ca_file(spec: "EnvironmentSpec", tls: "TlsClientSpec | None") -> str | None:
    """The CA file a client on this machine verifies the server with (None: the server does not speak TLS)."""
    if tls is None:
        return None
    if tls.ca_file is not None:
        from .spec.tls import spec_file_path

        return str(spec_file_path(tls.ca_file))
    if not getattr(tls, "generated", False):
        return None  # a client-only block without a CA (a store datastack does not run): nothing of ours to trust
    from .plan import state_dir_for

    return str(state_dir_for(spec) / TLS_DIR / "ca.crt")


def ca_file_inside(store: str, tls: "TlsClientSpec | None") -> str | None:
    """Containers: where a container that connects to `store` finds the CA it verifies it with (delivered as a file)."""
    from .plan.containers import CONF_DIR

    return f"{CONF_DIR}/tls-ca-{store}.crt" if tls is not None else None


def server_names(bind: str, *extra: str) -> list[str]:
    """What a server's certificate names: loopback, the address it binds (when specific), and `extra` names."""
    names = [*LOOPBACK_NAMES]
    if bind not in ("0.0.0.0", "::"):
        names.append(bind)
    names += extra
    return list(dict.fromkeys(names))


def refuse_tls_on(spec: "EnvironmentSpec", engine: str, spec_path: Path | str) -> None:
    """The Pulumi program does not serve TLS yet: it would start the stores in plaintext."""
    from .errors import UserError
    from .paths import display

    declared = spec.served_tls_sections()
    if declared:
        raise UserError(f"services.{declared[0][0]}.tls: the {engine} engine does not serve TLS yet",
                        where=display(Path(spec_path)), fix="use --engine local, or remove the tls: block")


class MaskedTls:
    """For a displayed plan: nothing is read or made."""

    def server(self, tls: "TlsSpec", server: str, names: list[str]) -> ServerTls:
        from .spec.secrets import MASK

        return ServerTls(MASK, MASK, MASK)

    def ca_pem(self, tls: "TlsClientSpec") -> str:
        from .spec.secrets import MASK

        return MASK


class TlsMaterials:
    """The material of an environment's servers. `issue`: make (or renew) what is missing — `up` only; otherwise
    what exists is read and what does not is masked (status, down: nothing is written)."""

    def __init__(self, state_dir: Path, environment: str, *, issue: bool):
        self.directory = Path(state_dir) / TLS_DIR
        self.environment = environment
        self.issue = issue

    def server(self, tls: "TlsSpec", server: str, names: list[str]) -> ServerTls:
        if not tls.generated:
            return ServerTls(_given_certificates(tls.ca_file), _given_certificates(tls.cert_file), _given_key(tls.key_file))
        if self.issue:
            return self._issued(server, names)
        found = [_read_own(self.directory / n) for n in ("ca.crt", f"{server}.crt", f"{server}.key")]
        if None in found:
            return MaskedTls().server(tls, server, names)
        return ServerTls(*found)

    def ca_pem(self, tls: "TlsClientSpec") -> str:
        """The CA a client of this server verifies with (what a container that connects to it receives)."""
        if tls.ca_file is not None:
            return _given_certificates(tls.ca_file)
        found = _read_own(self.directory / "ca.crt")
        if found is None:
            from .spec.secrets import MASK

            return MASK
        return found

    # ---- generation ---------------------------------------------------------------------------------
    def _issued(self, server: str, names: list[str]) -> ServerTls:
        from .engines.local.safe_fs import ensure_dir, write_atomic

        self.directory.parent.mkdir(parents=True, exist_ok=True)
        root = 0 if os.geteuid() == 0 else None
        ensure_dir(self.directory, root, root, 0o755)  # clients (services' own users too) read ca.crt
        ca_cert, ca_key = self._ca()
        cert_path, key_path = self.directory / f"{server}.crt", self.directory / f"{server}.key"
        cert_text, key_text = _read_own(cert_path), _read_own(key_path)
        if cert_text is None or key_text is None or not _still_good(cert_text, key_text, ca_cert, names):
            key = new_private_key()
            cert = issue_server_certificate(server, names, key, ca_cert, ca_key)
            key_text, cert_text = private_key_pem(key), certificate_pem(cert)
            write_atomic(key_path, key_text, 0o600, root, root)
            write_atomic(cert_path, cert_text, 0o644, root, root)
        return ServerTls(certificate_pem(ca_cert), cert_text, key_text)

    def _ca(self):
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        from .engines.local.safe_fs import write_atomic

        cert_text, key_text = _read_own(self.directory / "ca.crt"), _read_own(self.directory / "ca.key")
        if cert_text is not None and key_text is not None:
            try:
                cert = x509.load_pem_x509_certificate(cert_text.encode())
                key = load_pem_private_key(key_text.encode(), password=None)
            except (ValueError, TypeError):  # damaged or replaced: ours to make again, like an expiring one
                cert = key = None
            if cert is not None and _pair(cert, key) and cert.not_valid_after_utc - utc_now() > RENEW_WITHIN:
                return cert, key
        key = new_private_key()
        cert = issue_ca_certificate(self.environment, key)
        root = 0 if os.geteuid() == 0 else None
        write_atomic(self.directory / "ca.key", private_key_pem(key), 0o600, root, root)  # root only: it signs
        write_atomic(self.directory / "ca.crt", certificate_pem(cert), 0o644, root, root)
        return cert, key


def _given_certificates(path: Path) -> str:
    """A given certificate file as the server reads it: each block cryptography parsed, written again — the text
    around them (a bundle's `# Issuer:` comments, `Bag Attributes` from `openssl pkcs12`) stays behind."""
    from .spec.tls import load_certificates

    return "".join(certificate_pem(certificate) for certificate in load_certificates(path))


def _given_key(path: Path) -> str:
    """A given key as the server reads it: the parsed key, written again (PKCS8, unencrypted)."""
    from .spec.tls import load_private_key

    return private_key_pem(load_private_key(path))


def _read_own(path: Path) -> str | None:
    """A file of ours in tls/: a regular file owned by this user, never through a link."""
    from .engines.local.safe_fs import read_regular

    return read_regular(path, owner=os.geteuid())


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_private_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def private_key_pem(key) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def certificate_pem(cert) -> str:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _pair(cert, key) -> bool:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    der = dict(encoding=Encoding.DER, format=PublicFormat.SubjectPublicKeyInfo)
    return cert.public_key().public_bytes(**der) == key.public_key().public_bytes(**der)


def _alt_names(names: list[str]):
    from cryptography import x509

    alt = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    return alt


def _still_good(cert_text: str, key_text: str, ca_cert, names: list[str]) -> bool:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        cert = x509.load_pem_x509_certificate(cert_text.encode())
        key = load_pem_private_key(key_text.encode(), password=None)
        cert.verify_directly_issued_by(ca_cert)
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return False
    return (_pair(cert, key) and set(sans) == set(_alt_names(names))
            and cert.not_valid_after_utc - utc_now() > RENEW_WITHIN)


def issue_ca_certificate(environment: str, key):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "datastack"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"datastack {environment} CA")])
    now = utc_now()
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + CA_VALID)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))


def issue_server_certificate(server: str, names: list[str], key, ca_cert, ca_key, *, valid: timedelta = SERVER_VALID,
                             start: datetime | None = None):
    """A server certificate for `names` (IP addresses and DNS names), signed by the CA, valid from `start`
    (default: a few minutes ago, for clocks slightly behind) for `valid`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    start = start or utc_now() - timedelta(minutes=5)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, server)]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + valid)
            .add_extension(x509.SubjectAlternativeName(_alt_names(names)), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            # clientAuth too: replica-set members present it when they dial each other.
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))



def client_context(ca_file: str):
    """An SSL context that verifies the server (its certificate chain to `ca_file`, and its name)."""
    import ssl

    return ssl.create_default_context(cafile=ca_file)


def given_ca_file(tls: "TlsClientSpec | None") -> str | None:
    """The CA file a `tls:` block names (an external store's): None when it names none."""
    if tls is None or tls.ca_file is None:
        return None
    from .spec.tls import spec_file_path

    return str(spec_file_path(tls.ca_file))
