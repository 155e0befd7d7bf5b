"""What the suite checks: one environment's spec, endpoints, plan and the logins the checks may use.

Built once per pytest session from `--datastack-env/--datastack-spec`. In read-only mode only the
secrets of read-only users are resolved, so an on-call engineer needs nothing more powerful.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest

from datastack.credentials import Login
from roles.mongodb.login import mongo_login
from roles.postgres.login import postgres_login
from roles.redis.login import redis_login
from datastack.endpoints import Endpoints
from datastack.plan import Plan, ServicePlan
from datastack.session import Session
from datastack.spec import EnvironmentSpec


@dataclass
class Target:
    session: Session
    read_only: bool = False
    samples: int | None = None
    # Another instance of a store (`instance_of:` in the spec): the checks of its service see it as that service.
    instance: str | None = None
    _secrets: dict[str, str] | None = field(default=None, repr=False)
    _views: dict[str, "Target"] = field(default_factory=dict, repr=False)

    @cached_property
    def spec(self) -> EnvironmentSpec:
        return self.session.spec.instance_view(self.instance) if self.instance else self.session.spec

    def instance_view(self, name: str) -> "Target":
        """The same environment as the instance `name` sees it (made once per run)."""
        if name not in self._views:
            self._views[name] = Target(self.session, read_only=self.read_only, samples=self.samples, instance=name)
        return self._views[name]

    def instances_of(self, service: str) -> list[str]:
        return [name for name, of in self.session.spec.services.instances().items() if of == service]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def fix(self) -> str:
        """The command that brings live state back to the spec."""
        return self.command("migrate") + (f" --store {self.instance}" if self.instance else "")

    @property
    def up_fix(self) -> str:
        return self.command("up")

    def command(self, verb: str) -> str:
        """A datastack command for this environment, named as the check was given it (--env or --spec)."""
        return f"datastack {verb} {self.spec.selector}"

    @cached_property
    def endpoints(self) -> Endpoints:
        endpoints = self.session.endpoints()
        return endpoints.instance_view(self.instance, self.spec.selector) if self.instance else endpoints

    @cached_property
    def plan(self) -> Plan:
        containers = any(h.startswith("docker://") for h in self.testinfra_hosts())
        return self.session.display_plan("container" if containers else "local")

    def services(self, role: str) -> list[ServicePlan]:
        """The plan entries of `role` this target checks: an instance's own, else those of no instance."""
        if self.instance:
            return [s for s in self.plan.by_role(role) if s.name == self.instance]
        instances = self.session.spec.services.instances()
        return [s for s in self.plan.by_role(role) if s.name not in instances]

    def testinfra_hosts(self) -> list[str]:
        found: list[str] = []
        for ep in (self.endpoints, *self.endpoints.instances.values()):
            found += [e.testinfra_host for e in (ep.mongodb, ep.postgres, ep.redis, ep.mongo_express) if e is not None]
            found += [a.testinfra_host for a in ep.apps.values()]
        return found

    @property
    def sample_count(self) -> int:
        return self.samples or self.spec.checks.samples

    # ---- secrets and logins --------------------------------------------------------------
    def secrets(self) -> dict[str, str]:
        if self._secrets is None:
            self._secrets = _resolve(self.session, self._allowed_secret_ids())
        return self._secrets

    def _allowed_secret_ids(self) -> set[str] | None:
        """In read-only mode, the readonly users' secrets only; otherwise every secret."""
        if not self.read_only:
            return None
        s = self.spec.services
        ids = set()
        for section in (s.mongodb, s.postgres, s.redis):
            if section:
                ids |= {secret_id for secret_id, _ in section.external_uri_refs()}  # where the server is, not a login
        if s.mongodb:
            ids |= {s.mongodb.user_secret_id(db, u.name) for db, d in s.mongodb.databases.items() for u in d.users if u.access == "readonly"}
        if s.postgres:
            ids |= {s.postgres.user_secret_id(db, u.name) for db, d in s.postgres.databases.items() for u in d.users if u.access == "readonly"}
        if s.redis:
            ids |= {s.redis.user_secret_id(u.name) for u in s.redis.users if u.access == "readonly"}
        return ids

    def require_admin(self, what: str) -> None:
        """Skip a check that needs administrator rights when running read-only."""
        if self.read_only:
            pytest.skip(f"read-only mode: {what} needs administrator credentials")

    def require_writes(self, what: str) -> None:
        if self.read_only:
            pytest.skip(f"read-only mode: {what} writes, so it is not run")

    def mongo(self, user: str | None = None) -> Login:
        return mongo_login(self.spec, self.secrets(), user)

    def postgres(self, user: str | None = None) -> Login:
        return postgres_login(self.spec, self.secrets(), user)

    def redis(self, user: str | None = None) -> Login:
        return redis_login(self.spec, self.secrets(), user)


def _resolve(session: Session, only: set[str] | None) -> dict[str, str]:
    return session.secrets(only=only)


def open_target(env: str | None, spec: Path | None, *, read_only: bool, samples: int | None,
                from_stack: Path | None = None) -> Target:
    # A check deploys nothing: a given certificate that expired is what the TLS checks report, not a reason to stop.
    return Target(Session.open(env, spec, from_stack, expired_certificates_ok=True), read_only=read_only, samples=samples)


def first_user(spec_users, access: str):
    return next((u for u in spec_users if u.access == access), None)


def status_command(up_fix: str) -> str:
    """The `status` command for the environment an `up` fix names (the same --env or --spec)."""
    return up_fix.replace("datastack up", "datastack status", 1)
