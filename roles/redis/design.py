"""Redis in the report's design: its ACL users, their key patterns and commands."""

from __future__ import annotations

from datastack.check.design import Design
from datastack.spec import EnvironmentSpec


def redis_design(spec: EnvironmentSpec, design: Design) -> None:
    design.users += [("redis", u.name, f"{u.access}: keys {' '.join(u.keys)}; {' '.join(u.commands)}")
                     for u in spec.services.redis.users]
