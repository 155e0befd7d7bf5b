"""The engine-neutral plan: what to run for each service, with which files, users and probes.

A plan is data. Roles build it from the spec; engines (local processes, Docker, Pulumi) only
decide how to run it. Secret values appear in a plan built for an engine and are masked in a
plan built for display (`build_plan(..., secrets=masked(...))`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, Field


class RenderedFile(BaseModel):
    path: str = Field(description="absolute path on the target (host for local, container for docker)")
    template: str = Field(description="template it was rendered from, relative to templates/")
    content: str
    mode: int = 0o644
    secret: bool = Field(default=False, description="holds a secret: written 0600 (keyFile 0400), masked in output")
    first_start_only: bool = Field(
        default=False,
        description="read only by the first start (the first administrator's password file): written when absent, "
                    "never part of the config hash, so rotating the secret in it restarts nothing",
    )


class Probe(BaseModel):
    """How to tell the service is ready; engines poll it with one bounded loop."""

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$",
                      description="tcp | http | a registered service's name: its own protocol check (Service.ready)")
    host: str
    port: int
    path: str = "/"
    timeout_s: float = 30.0
    login_user: str | None = Field(default=None, description="user the probe logs in as, when its protocol needs one")
    login_secret_id: str | None = Field(default=None, description="secret id of that user's password (never the value)")
    tls_ca_file: str | None = Field(default=None, description="the server speaks TLS only: verify it against this CA file")


class BootstrapStep(BaseModel):
    """A first-start step: only what cannot be done later (the first administrator, initiating a replica set).

    Run once by the service's own executor (its registry entry's `first_start`); every other user, role and
    password belongs to the store's reconciler. Params name secret ids, never values."""

    action: str = Field(description="the kind of step, named by the service that runs it")
    target: str
    params: dict[str, Any] = Field(default_factory=dict)


class InitStep(BaseModel):
    """A one-shot command that prepares an empty data directory."""

    command: list[str]
    secret_file: str | None = Field(default=None, description="temporary file holding a secret id's value, removed after")
    secret_id: str | None = None


class ServicePlan(BaseModel):
    name: str = Field(description="unique within the plan, e.g. its role, or '<role>-1' for a member")
    role: str = Field(description="the registered service this belongs to (roles/<role>/)")
    implementation: str = Field(description="what actually runs: the server program, or a stand-in's name")
    image: str | None = Field(default=None, description="container image for container engines")
    command: list[str]
    working_dir: str | None = None
    environment: dict[str, str] = Field(default_factory=dict)
    secret_environment: list[str] = Field(default_factory=list, description="keys of `environment` that hold secrets")
    files: list[RenderedFile] = Field(default_factory=list)
    data_dir: str | None = None
    log_file: str | None = None
    bind: str = "127.0.0.1"
    ports: list[int] = Field(default_factory=list)
    run_as: str = Field(description="non-root user the process runs as")
    stop_signal: Literal["SIGTERM", "SIGINT"] = "SIGTERM"
    readiness: Probe
    depends_on: list[str] = Field(default_factory=list)
    init: InitStep | None = None
    bootstrap_command: list[str] | None = Field(
        default=None,
        description="private first boot without auth (its '{port}' is a throwaway port) for servers with no localhost exception",
    )
    bootstrap: list[BootstrapStep] = Field(default_factory=list, description="first-start steps, run once")
    reconcile_logins: bool = Field(
        default=False,
        description="once this service (re)starts, the engine runs its store's reconciler for users, roles and passwords",
    )
    notes: list[str] = Field(default_factory=list)

    def config_hash(self) -> str:
        """Changes exactly when what runs changes: the engines restart on a new hash, not otherwise."""
        material = self.model_dump(include={"command", "environment", "files", "ports", "bind", "run_as", "image"})
        material["files"] = [f for f, kept in zip(material["files"], self.files) if not kept.first_start_only]
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:16]


class Plan(BaseModel):
    environment: str
    target: Literal["local", "container"]
    state_dir: str
    services: list[ServicePlan] = Field(description="in start order: every service after its dependencies")
    notes: list[str] = Field(default_factory=list)

    def service(self, name: str) -> ServicePlan:
        for svc in self.services:
            if svc.name == name:
                return svc
        raise KeyError(name)

    def by_role(self, role: str) -> list[ServicePlan]:
        return [s for s in self.services if s.role == role]
