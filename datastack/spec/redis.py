"""The Redis service in an environment spec: ACL users and server config."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Access, BindAddress, Credential, Port, SecretRef, Strict, GENERATE

MAXMEMORY_POLICIES = (
    "noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
)


class RedisUser(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    password: SecretRef = GENERATE
    access: Access = "app"
    keys: list[str] = Field(default_factory=lambda: ["*"], description="key patterns (~pattern)")
    channels: list[str] = Field(default_factory=list, description="pub/sub channel patterns (&pattern)")
    commands: list[str] = Field(default_factory=lambda: ["+@all"], description="command rules (+@read, -flushall, ...)")


class RedisPersistence(Strict):
    rdb: list[tuple[int, int]] = Field(default_factory=lambda: [(900, 1), (300, 10)], description="save <seconds> <changes>")
    aof: bool = False


class RedisSpec(Strict):
    version: str = "7.0"
    port: Port = 6379
    bind: BindAddress = "127.0.0.1"
    admin: Credential = Credential(name="admin")
    maxmemory: str = "256mb"
    maxmemory_policy: Literal[MAXMEMORY_POLICIES] = "noeviction"  # type: ignore[valid-type]
    databases: int = Field(default=16, ge=1, le=1024)
    persistence: RedisPersistence = RedisPersistence()
    users: list[RedisUser] = Field(default_factory=list)

    def user(self, name: str) -> RedisUser:
        for user in self.users:
            if user.name == name:
                return user
        raise KeyError(name)
