"""External stores: servers datastack does not provision (a managed database or cache service) but migrates and
checks. The pieces every store's `external:` block shares: host names, ports, references, and the two rules —
fields that only describe a provisioned server are refused, and no password of the section may be generated."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, ClassVar

from pydantic import AfterValidator, Field, model_validator

from ..errors import UserError
from .common import GENERATE, SECRET_REF, InstanceSection, SecretId, Strict

if TYPE_CHECKING:
    from .environment import EnvironmentSpec

# RFC 1123 host name: dot-separated labels of letters, digits and '-', not starting or ending with '-'.
HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
MAX_HOST_NAME = 253


def check_host(value: str) -> str:
    """A host name or an IP address, nothing else (it ends up in URIs and connection strings). Labels are ASCII
    letters, digits and '-' only, so no control or invisible character gets through."""
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        labels = value.removesuffix(".").split(".")
        if 0 < len(value) <= MAX_HOST_NAME and all(HOST_LABEL.fullmatch(label) for label in labels):
            return value
    raise ValueError("not a host name or IP address; fix: write a name such as db.example.com or an IP address")


def check_host_port(value: str) -> str:
    """host:port (an IPv6 address in brackets: [::1]:27017), the port 1-65535."""
    host, sep, port = value.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        sep = ""  # an IPv6 address without brackets: its port cannot be told apart
    if not sep or not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError("not host:port; fix: write it as db.example.com:27017 ([::1]:27017 for IPv6), port 1-65535")
    check_host(host)
    return value


def check_reference(value: str) -> str:
    if SECRET_REF.match(value):
        return value
    # The loader never echoes a value whose error says "secret must be a reference": this one may hold a password.
    raise ValueError("a secret must be a reference, not a literal (a URI may hold credentials); "
                     "fix: use ${env:NAME} or ${file:PATH}")


Host = Annotated[str, AfterValidator(check_host)]
HostPort = Annotated[str, AfterValidator(check_host_port)]
ServerPort = Annotated[int, Field(ge=1, le=65535, description="TCP port of the external server")]
# A value that may hold credentials (a URI with a password in it): only ever a reference, never generated.
Reference = Annotated[str, AfterValidator(check_reference)]


URI_BY_REFERENCE = "URI by reference: ********"


class ExternalServer(Strict):
    """One server by host and port, or by a URI reference (a managed database or cache)."""

    host: Host | None = Field(default=None, description="its host name or IP address")
    port: ServerPort | None = None
    uri: Reference | None = Field(default=None, description="its URI, by reference (it may hold credentials; the "
                                                             "section's administrator logs in)")

    @model_validator(mode="after")
    def _host_and_port_or_uri(self):
        if (self.uri is None) == (self.host is None and self.port is None):
            raise ValueError("give either host and port, or uri (a reference); fix: keep exactly one of them")
        if self.uri is None and (self.host is None or self.port is None):
            raise ValueError(f"{'port' if self.port is None else 'host'} is missing; fix: give both host and port")
        return self

    @property
    def where(self) -> str:
        if self.uri is not None:
            return URI_BY_REFERENCE
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def check_uri_characters(uri: str) -> None:
    """The drivers' parsers accept control characters (raw, or percent-encoded into a host name), which would reach
    the files and messages datastack writes later: refuse them here, where the message can leave the URI out."""
    if any(not ch.isprintable() or ch.isspace() for ch in uri) or re.search(r"%(?:[01][0-9a-fA-F]|7[fF])", uri):
        raise ValueError("holds a space, a control character or a percent-encoded one")


def parse_server_uri(uri: str, schemes: tuple[str, ...], parse: Callable[[str], dict],
                     refused: tuple[type[Exception], ...], parser: str) -> dict:
    """A resolved URI reference read by its driver's own parser (`parse`, which raises `refused`): one of `schemes`,
    naming a host. Raises ValueError whose message never repeats the URI (it may hold a password)."""
    if not uri.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        raise ValueError(f"is not a {' or '.join(f'{scheme}://' for scheme in schemes)} URI")
    check_uri_characters(uri)
    try:
        params = parse(uri)
    except refused:
        raise ValueError(f"is not a valid {schemes[0]}:// URI ({parser} refused it)") from None
    if not params.get("host"):
        raise ValueError("names no host")
    return params


def external_note(key: str, where: str) -> str:
    """What `plan` and `up` say of an external section."""
    return f"{key} is external ({where}): not provisioned, started or stopped by datastack; migrated and checked"


class MayBeExternal(InstanceSection):  # an instance may be external too
    """A store's section that may say `external:` (each declares that field with its own shape). Then what only
    describes a server datastack runs is refused rather than silently ignored, and no password of the section may be
    generated: datastack cannot invent the password of a server it did not create."""

    section_key: ClassVar[str]  # its key under services:, for messages
    provisioned_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _external_is_not_provisioned(self):
        stated = [name for name in self.provisioned_fields if name in self.model_fields_set]
        if self.external is not None and stated:
            raise ValueError(f"{stated[0]}: applies only to a server datastack provisions, and this one is external; "
                             f"fix: remove {stated[0]} (external: says where the server is)")
        return self

    @property
    def external_uri_secret_id(self) -> SecretId:
        return SecretId.of(self.declared_as(self.section_key), "external_uri")

    def external_uri_refs(self) -> list[tuple[SecretId, str]]:
        """An external server's URI reference: resolved and masked like a password (it may hold one)."""
        uri = getattr(self.external, "uri", None)
        return [(self.external_uri_secret_id, uri)] if uri is not None else []

    def check_resolved_uri(self, secrets: dict[str, str], spec_file: str, parse: Callable[[str], object],
                           example: str, *, unverified: Callable[[str], str | None] | None = None) -> None:
        """Once resolved (before anything starts), the URI reference must hold a URI its driver's parser accepts;
        `parse` raises ValueError, and neither its message nor this one repeats the URI. With `unverified` (tier
        production), its TLS options must also verify the server: `unverified` says which option does not."""
        uri = getattr(self.external, "uri", None)
        if uri is None or self.external_uri_secret_id not in secrets:
            return
        field = f"services.{self.declared_as(self.section_key)}.external.uri"
        try:
            parse(secrets[self.external_uri_secret_id])
        except ValueError as exc:
            raise UserError(f"{field}: what {uri} holds {exc}", where=spec_file,
                            fix=f"point the reference at a URI such as {example}") from None
        problem = unverified(secrets[self.external_uri_secret_id]) if unverified is not None else None
        if problem is not None:
            raise UserError(f"{field}: what {uri} holds {problem}, so the server is not verified, in tier production",
                            where=spec_file, fix=f"make its options verify the server, as in {example}")

    def check_against(self, spec: EnvironmentSpec) -> None:
        # After the environment's secret convention applied: an unstated password it supplies is a reference.
        if self.external is None:
            return
        if spec.tier == "production" and getattr(self.external, "uri", None) is None and getattr(self, "tls", None) is None:
            # Passwords and data would cross someone else's network in the clear, to a server nobody verified.
            raise ValueError(f"services.{self.declared_as(self.section_key)}.external: reached without TLS in tier "
                             "production; fix: add tls: {ca_file: <the CA that signed the server's certificate>}, "
                             "or give a uri reference whose options verify it")
        own = {secret_id for secret_id, _ in self.secret_refs()}
        for secret_id, ref in spec.secret_refs():
            if secret_id in own and ref == GENERATE:
                raise ValueError(f"services.{self.declared_as(self.section_key)}.external: the password of {secret_id} is 'generate', "
                                 "but datastack cannot invent the password of a server it did not create; fix: give "
                                 "it as ${env:NAME} or ${file:PATH} (or set a convention under secrets.default)")
