"""What an engine hands to migrate and check: where each service answers, without secrets.

Persisted as `<state_dir>/endpoints.json`; credentials are looked up separately
(`datastack.credentials`) so this file can be read and printed freely.
"""

from __future__ import annotations

import json
from pathlib import Path

from typing import Annotated

from pydantic import BaseModel, Field

# The store speaks TLS only: every client datastack makes verifies it against this CA file (None: plaintext).
TlsCaFile = Annotated[str | None, Field(description="CA file clients verify the store's certificate with")]


class MongoEndpoint(BaseModel):
    hosts: list[str] = Field(description="host:port of every member")
    replica_set: str | None = Field(default=None, description="set name to connect with; None for a single node")
    stand_in: bool = Field(default=False, description="True when SecantusDB stands in for mongod")
    tls_ca_file: TlsCaFile = None
    testinfra_host: str = "local://"


class PostgresEndpoint(BaseModel):
    host: str
    port: int
    tls_ca_file: TlsCaFile = None
    testinfra_host: str = "local://"


class RedisEndpoint(BaseModel):
    host: str
    port: int
    tls_ca_file: TlsCaFile = None
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

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=2))

    @classmethod
    def load(cls, path: Path) -> "Endpoints | None":
        if not path.exists():
            return None
        return cls.model_validate(json.loads(path.read_text()))
