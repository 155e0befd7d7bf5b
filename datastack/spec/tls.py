"""`tls:` inside a store's spec section: the files a server presents, or none (datastack generates them).

One model for every store, so each store section — and later several instances of one store, or a store declared
by URI that datastack does not provision — gets TLS by reusing it. A client of a store it does not run needs
only the CA (`TlsClientSpec`); a server datastack runs needs all three files or none (`TlsSpec`).
Files are checked when the spec loads: missing, not PEM, key not matching, expired — one line each. Expiry stops
only the commands that put a certificate in service (`up`, `plan`, Pulumi); a command that deploys nothing loads
with `expired_certificates_ok` in the validation context, so on-call can still `check` (the TLS checks report the
expiry from the wire), `status` and `down`.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, model_validator

from .common import Strict
from .spec_paths import SpecRelative


def spec_file_path(path: Path) -> Path:
    """The file a tls: path names (the loader made it absolute against the spec file)."""
    from ..paths import PROJECT_ROOT

    return path if path.is_absolute() else PROJECT_ROOT / path  # a model built in memory: project-relative


def _read(path: Path, what: str) -> bytes:
    target = spec_file_path(path)
    if not target.is_file():
        raise ValueError(f"{target} does not exist or is not a file; fix: give the path of the {what} (relative to the spec file)")
    try:
        return target.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {target} ({exc.strerror}); fix: make it readable by the user running datastack") from None


def load_certificates(path: Path):
    """Every certificate in a PEM file (a bundle may hold several), or ValueError saying it is none."""
    from cryptography import x509

    data = _read(path, "PEM certificate")
    try:
        # A bundle may hold certificates cryptography warns about (e.g. a non-positive serial number): the user gets
        # one line or nothing, never a library warning on stderr.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        certificates = []
    if not certificates:
        raise ValueError(f"{spec_file_path(path)} is not a PEM certificate; fix: give a file starting with "
                         "-----BEGIN CERTIFICATE-----")
    return certificates


RENEW_FIX = ("fix: renew it (in a development environment datastack runs, removing the tls files has datastack "
             "generate them)")


EXPIRED_OK = "expired_certificates_ok"  # validation context key: the command deploys nothing


def _expiry_refused(info: ValidationInfo) -> bool:
    return not (info.context or {}).get(EXPIRED_OK)


def _not_expired(path: Path, info: ValidationInfo) -> Path:
    """A server certificate file: its leaf (the first block; a chain may follow) must still be valid."""
    leaf = load_certificates(path)[0]
    if _expiry_refused(info) and leaf.not_valid_after_utc <= datetime.now(timezone.utc):
        raise ValueError(f"{spec_file_path(path)} expired on {leaf.not_valid_after_utc:%Y-%m-%d}; {RENEW_FIX}")
    return path


def _some_ca_valid(path: Path, info: ValidationInfo) -> Path:
    """A CA file may be a bundle (the system's holds roots that expired): one valid certificate in it is enough."""
    certificates = load_certificates(path)
    if _expiry_refused(info) and all(c.not_valid_after_utc <= datetime.now(timezone.utc) for c in certificates):
        last = max(c.not_valid_after_utc for c in certificates)
        raise ValueError(f"{spec_file_path(path)}: every certificate in it has expired (the last on {last:%Y-%m-%d}); "
                         f"{RENEW_FIX}")
    return path


def load_private_key(path: Path):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    data = _read(path, "PEM private key")
    try:
        return load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ValueError(f"{spec_file_path(path)} is not an unencrypted PEM private key; fix: give the server's key "
                         "(-----BEGIN PRIVATE KEY-----), without a passphrase") from None


def _private_key(path: Path) -> Path:
    load_private_key(path)
    return path


CertificateFile = Annotated[Path, SpecRelative(), AfterValidator(_not_expired)]
CaFile = Annotated[Path, SpecRelative(), AfterValidator(_some_ca_valid)]
PrivateKeyFile = Annotated[Path, SpecRelative(), AfterValidator(_private_key)]


class TlsClientSpec(Strict):
    """What a client needs to verify a server: the CA that signed its certificate."""

    ca_file: CaFile | None = Field(
        default=None, description="PEM CA certificate(s) clients verify the server against (relative to the spec file)")


class TlsSpec(TlsClientSpec):
    """A server datastack runs: all three files given, or none — then datastack generates a CA and server
    certificates (tier development only, like every secret it invents)."""

    cert_file: CertificateFile | None = Field(default=None, description="PEM server certificate (chain)")
    key_file: PrivateKeyFile | None = Field(default=None, description="PEM private key of cert_file, unencrypted")

    @property
    def generated(self) -> bool:
        return self.ca_file is None and self.cert_file is None and self.key_file is None

    def problem(self, external: object | None, bind: str | None = None) -> str | None:
        """What is wrong with this block for its section ('problem; fix: ...'), or None. A server datastack runs
        needs all three files or none, and a given certificate must name the address its clients dial (`bind`: the
        section's listen address); an external one (datastack runs nothing) needs the CA only, and a URI
        reference brings its own TLS settings."""
        given = [name for name in ("ca_file", "cert_file", "key_file") if getattr(self, name) is not None]
        if external is None:
            if given and len(given) != 3:
                missing = sorted({"ca_file", "cert_file", "key_file"} - set(given))
                return (f"{', '.join(given)} given without {', '.join(missing)}; fix: give ca_file, cert_file "
                        "and key_file, or none of them to have datastack generate them")
            if self.cert_file is not None:
                return _names_problem(self.cert_file, bind)
            return None
        if getattr(external, "uri", None) is not None:
            return ("an external server given by URI takes its TLS settings from that URI; fix: remove tls: and say "
                    "it in the URI, as its driver reads it")
        if self.cert_file is not None or self.key_file is not None:
            return "cert_file and key_file are for a server datastack runs, and this one is external; fix: give ca_file only"
        if self.ca_file is None:
            return "an external server is verified against the CA that signed its certificate; fix: give ca_file"
        return None

    @model_validator(mode="after")
    def _key_matches_certificate(self):
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        if self.cert_file is None or self.key_file is None:
            return self
        leaf = load_certificates(self.cert_file)[0]
        public = load_private_key(self.key_file).public_key()
        as_der = dict(encoding=Encoding.DER, format=PublicFormat.SubjectPublicKeyInfo)
        if leaf.public_key().public_bytes(**as_der) != public.public_bytes(**as_der):
            raise ValueError(f"key_file {spec_file_path(self.key_file)} is not the key of cert_file "
                             f"{spec_file_path(self.cert_file)}; fix: give the private key the certificate was issued for")
        return self

    @model_validator(mode="after")
    def _certificate_signed_by_ca(self):
        # Clients verify the server with ca_file (and the chain the server sends): the leaf must chain to it.
        if self.cert_file is None or self.ca_file is None:
            return self
        chain, authorities = load_certificates(self.cert_file), load_certificates(self.ca_file)
        if not _chains_to(chain[0], chain[1:], authorities):
            raise ValueError(f"cert_file {spec_file_path(self.cert_file)} is not signed by a certificate of ca_file "
                             f"{spec_file_path(self.ca_file)}, which clients verify it with; fix: give the CA that "
                             "issued the certificate as ca_file, or a certificate issued by that CA")
        return self


def _issued_by(certificate, issuer) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _chains_to(certificate, intermediates: list, authorities: list) -> bool:
    """Whether `certificate` is issued by one of `authorities`, directly or through the intermediates that
    cert_file carries after it (a server sends its chain)."""
    if any(_issued_by(certificate, ca) for ca in authorities):
        return True
    for index, intermediate in enumerate(intermediates):
        if _issued_by(certificate, intermediate):
            return _chains_to(intermediate, intermediates[:index] + intermediates[index + 1:], authorities)
    return False


def _names_problem(cert_file: Path, bind: str | None) -> str | None:
    """A server datastack runs is dialled at 127.0.0.1 (readiness probes, endpoints, `uri`, `check`), with hostname
    verification: its certificate must name that IP address — or the specific address the section binds."""
    import ipaddress

    from cryptography import x509

    wanted = [ipaddress.ip_address("127.0.0.1")]
    if bind is not None and bind not in ("0.0.0.0", "::") and not ipaddress.ip_address(bind).is_loopback:
        wanted.append(ipaddress.ip_address(bind))
    leaf = load_certificates(cert_file)[0]
    try:
        alt = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        alt = None
    ips = set(alt.get_values_for_type(x509.IPAddress)) if alt is not None else set()
    if ips & set(wanted):
        return None
    named = ([str(v) for v in alt.get_values_for_type(x509.IPAddress)] + alt.get_values_for_type(x509.DNSName)
             if alt is not None else [])
    shown = ", ".join(named[:4]) + (", ..." if len(named) > 4 else "") if named else "no subjectAltName"
    dialled = " or ".join(str(w) for w in wanted)
    return (f"cert_file {spec_file_path(cert_file)} names {shown}, not {dialled}, the address datastack's clients "
            f"dial with hostname verification; fix: issue it with a subjectAltName for 127.0.0.1 (IP:127.0.0.1"
            f"{', or IP:' + str(wanted[1]) if len(wanted) > 1 else ''})")
