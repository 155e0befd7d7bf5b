"""What an engine hands to migrate and check: where each service answers, without secrets.

Persisted as `<state_dir>/endpoints.json`; credentials are looked up separately
(`datastack.credentials`) so this file can be read and printed freely.
"""

from __future__ import annotations

import json
from pathlib import Path

from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from .spec import EnvironmentSpec

# The store speaks TLS only: every client datastack makes verifies it against this CA file (None: plaintext).
TlsCaFile = Annotated[str | None, Field(description="CA file clients verify the store's certificate with")]


class StoreEndpoint(BaseModel):
    """What every store's endpoint says besides its address."""

    testinfra_host: str = "local://"
    external: bool = Field(default=False, description="a server datastack does not provision (no process, files or host checks here)")
    # An external server given by a URI reference: its address comes from that secret (never stored here).
    uri_secret_id: str | None = Field(default=None, description="secret id of the server's URI, when given by reference")
    tls_ca_file: TlsCaFile = None

    def unreachable_fix(self, spec: "EnvironmentSpec") -> str:
        if self.external:  # `up` cannot start what datastack does not provision
            return "it is external: is it running, and reachable from this machine at the declared address?"
        return f"start it with 'datastack up {spec.selector}' and check 'datastack status {spec.selector}'"


class MongoEndpoint(StoreEndpoint):
    hosts: list[str] = Field(description="host:port of every member")
    replica_set: str | None = Field(default=None, description="set name to connect with; None for a single node")
    stand_in: bool = Field(default=False, description="True when SecantusDB stands in for mongod")

    def where(self) -> str:
        """Where it answers, for messages: never the URI of an external server (it may hold credentials)."""
        return ",".join(self.hosts) or "the URI its spec gives by reference"


class ServerEndpoint(StoreEndpoint):
    """One server at host:port (external and given by a URI reference: host and port are unset)."""

    host: str
    port: int

    def where(self) -> str:
        """Where it answers, for messages: never the URI of an external server (it may hold credentials)."""
        return "the URI its spec gives by reference" if self.uri_secret_id else f"{self.host}:{self.port}"


class PostgresEndpoint(ServerEndpoint):
    pass


class RedisEndpoint(ServerEndpoint):
    pass


class HttpEndpoint(BaseModel):
    url: str
    testinfra_host: str = "local://"


class Endpoints(BaseModel):
    environment: str
    engine: str
    mongodb: MongoEndpoint | None = None
    postgres: PostgresEndpoint | None = None
    redis: RedisEndpoint | None = None
    mongo_express: HttpEndpoint | None = None
    apps: dict[str, HttpEndpoint] = Field(default_factory=dict)
    # Another instance of a service (`instance_of:` in the spec), by its name: its own Endpoints, where only the
    # field of the service it is an instance of is filled in.
    instances: dict[str, "Endpoints"] = Field(default_factory=dict)

    def instance_view(self, name: str, selector: str | None = None) -> "Endpoints":
        """These endpoints as the instance `name` sees them: its address in its service's place.
        `selector` names the environment in the fix (`--spec PATH`); by default `--env <its name>`."""
        from .errors import UserError

        own = self.instances.get(name)
        if own is None:
            raise UserError(f"no address recorded for {name}", fix=f"run 'datastack up {selector or '--env ' + self.environment}'")
        update = {field: value for field, value in own if field not in ("environment", "engine", "instances") and value}
        return self.model_copy(update=update)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=2))

    @classmethod
    def load(cls, path: Path) -> "Endpoints | None":
        if not path.exists():
            return None
        return cls.model_validate(json.loads(path.read_text()))
