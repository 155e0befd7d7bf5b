"""The Redis service in an environment spec: ACL users and server config."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from datastack.spec.tls import TlsSpec
from datastack.spec.common import Access, BindAddress, Credential, Port, SecretId, SecretRef, Strict, GENERATE
from datastack.spec.external import ExternalServer, MayBeExternal
from .spec_acl import command_rule_problem, pattern_problem, readonly_rule_problem
from datastack.spec.validators import Version, check_name
from .names import REDIS_RESERVED_USERS, REDIS_USER, RedisUserName

MAXMEMORY_POLICIES = (
    "noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
)
# Redis memory units: k/m/g are powers of 1000, kb/mb/gb powers of 1024.
_MEMORY = re.compile(r"^(\d+)(b|k|kb|m|mb|g|gb)?$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}


def memory_bytes(value: str) -> int:
    """'256mb' -> 268435456, as Redis reads it (CONFIG GET answers in bytes)."""
    number, unit = _MEMORY.match(value.strip()).groups()
    return int(number) * _UNITS[(unit or "").lower()]


class RedisUser(Strict):
    name: RedisUserName
    password: SecretRef = GENERATE
    access: Access = "app"
    keys: list[str] = Field(default_factory=lambda: ["*"], max_length=256,
                            description="key patterns, bare (datastack writes ~pattern)")
    channels: list[str] = Field(default_factory=list, max_length=256, description="pub/sub channel patterns, bare (&pattern)")
    commands: list[str] = Field(default_factory=lambda: ["+@all"], max_length=256,
                                description="command rules (+@read, -flushall, ...)")

    @field_validator("keys")
    @classmethod
    def _keys_valid(cls, keys: list[str]) -> list[str]:
        return _check_patterns(keys, "~")

    @field_validator("channels")
    @classmethod
    def _channels_valid(cls, channels: list[str]) -> list[str]:
        return _check_patterns(channels, "&")

    @field_validator("commands")
    @classmethod
    def _commands_valid(cls, commands: list[str]) -> list[str]:
        for rule in commands:
            problem = command_rule_problem(rule)
            if problem:
                raise ValueError(f"Redis would reject the ACL rule {rule!r}; fix: {problem}")
        return commands

    @model_validator(mode="after")
    def _readonly_cannot_write(self):
        if self.access == "readonly":
            problem = readonly_rule_problem(self.commands)
            if problem:
                raise ValueError(f"user {self.name} is readonly but {problem}; fix: use +@read (or set access: app)")
        return self


def _check_patterns(patterns: list[str], prefix: str) -> list[str]:
    for pattern in patterns:
        problem = pattern_problem(pattern, prefix)
        if problem:
            raise ValueError(f"bad pattern {pattern!r}; fix: {problem}")
    return patterns


class RedisPersistence(Strict):
    rdb: list[tuple[int, int]] = Field(default_factory=lambda: [(900, 1), (300, 10)], description="save <seconds> <changes>")
    aof: bool = False


# What only a server datastack runs has (startup-only settings); maxmemory, its policy and persistence stay: migrate
# sets them with CONFIG SET on any Redis that allows it.
REDIS_PROVISIONED_FIELDS = ("version", "port", "bind", "databases")


class RedisSpec(MayBeExternal):
    section_key = "redis"
    provisioned_fields = REDIS_PROVISIONED_FIELDS

    version: Version = "7.0"
    port: Port = 6379
    bind: BindAddress = "127.0.0.1"
    admin: Credential = Credential(name="admin")
    maxmemory: str = Field(default="256mb", description="Redis size: bytes or 100mb, 1gb, ... (0 = no limit)")
    maxmemory_policy: Literal[MAXMEMORY_POLICIES] = "noeviction"  # type: ignore[valid-type]
    databases: int = Field(default=16, ge=1, le=1024)
    persistence: RedisPersistence = RedisPersistence()
    users: list[RedisUser] = Field(default_factory=list)
    tls: TlsSpec | None = Field(default=None, description="serve TLS only (tls-port), from these files or generated ones")
    external: ExternalServer | None = Field(default=None, description="a server datastack does not provision: "
                                                                       "migrated and checked, never started or stopped")

    def declared_ports(self) -> list[tuple[str, int]]:
        return [] if self.external is not None else [(self.declared_as("redis"), self.port)]  # nothing listens here when external

    @field_validator("maxmemory_policy", mode="before")
    @classmethod
    def _known_policy(cls, value: object) -> object:
        # Checked before the Literal so the message is one line naming the valid values.
        if value not in MAXMEMORY_POLICIES:
            raise ValueError(f"unknown maxmemory-policy; fix: use one of: {', '.join(MAXMEMORY_POLICIES)}")
        return value

    @field_validator("maxmemory")
    @classmethod
    def _memory_size(cls, value: str) -> str:
        if not _MEMORY.match(value.strip()):
            raise ValueError("not a Redis memory size; fix: write bytes or a size like 256mb, 1gb (0 = no limit)")
        return value

    @model_validator(mode="after")
    def _user_names(self):
        try:
            check_name(self.admin.name, REDIS_USER, "Redis user name",
                       "1-64 characters: letters, digits, _ . - (starting with a letter)", REDIS_RESERVED_USERS)
        except ValueError as exc:
            raise ValueError(f"admin.name: {exc}") from None
        seen = {self.admin.name, "default"}
        for user in self.users:
            if user.name in seen:
                raise ValueError(
                    f"redis user {user.name!r} is declared twice or reuses 'default'/the admin name; fix: rename it"
                )
            seen.add(user.name)
        return self

    @property
    def admin_secret_id(self) -> SecretId:
        return SecretId.of(self.declared_as("redis"), "admin")

    def user_secret_id(self, user: str) -> SecretId:
        return SecretId.of(self.declared_as("redis"), "users", user)  # a user named admin cannot share redis.admin

    def secret_refs(self) -> list[tuple[SecretId, str]]:
        return [(self.admin_secret_id, self.admin.password), *self.external_uri_refs(),
                *((self.user_secret_id(u.name), u.password) for u in self.users)]

    def user(self, name: str) -> RedisUser:
        for user in self.users:
            if user.name == name:
                return user
        raise KeyError(name)
