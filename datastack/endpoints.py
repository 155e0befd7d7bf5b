"""What an engine hands to migrate and check: where each service answers, without secrets.

Persisted as `<state_dir>/endpoints.json`; credentials are looked up separately
(`datastack.credentials`) so this file can be read and printed freely.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field


class MongoEndpoint(BaseModel):
    hosts: list[str] = Field(description="host:port of every member")
    replica_set: str | None = Field(default=None, description="set name to connect with; None for a single node")
    stand_in: bool = Field(default=False, description="True when SecantusDB stands in for mongod")
    testinfra_host: str = "local://"


class PostgresEndpoint(BaseModel):
    host: str
    port: int
    testinfra_host: str = "local://"


class RedisEndpoint(BaseModel):
    host: str
    port: int
    testinfra_host: str = "local://"


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

    def instance_view(self, name: str) -> "Endpoints":
        """These endpoints as the instance `name` sees them: its address in its service's place."""
        from .errors import UserError

        own = self.instances.get(name)
        if own is None:
            raise UserError(f"no address recorded for {name}", fix=f"run 'datastack up --env {self.environment}'")
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
