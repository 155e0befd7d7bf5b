"""The cache's section of an environment spec: a port, its administrator and its ACL users."""

from __future__ import annotations

from urllib.parse import quote

from pydantic import Field

from datastack.spec.common import GENERATE, BindAddress, Credential, Port, SecretId, SecretRef, Strict


class CacheUser(Strict):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    password: SecretRef = GENERATE
    keys: list[str] = Field(default_factory=lambda: ["cache:*"])


class CacheSpec(Strict):
    port: Port
    bind: BindAddress = "127.0.0.1"
    admin: Credential = Credential(name="admin")
    users: list[CacheUser] = Field(default_factory=list)

    @property
    def admin_secret_id(self) -> SecretId:
        return SecretId.of("cache", "admin")

    def user_secret_id(self, user: str) -> SecretId:
        return SecretId.of("cache", user)

    def secret_refs(self) -> list[tuple[SecretId, str]]:
        return [(self.admin_secret_id, self.admin.password), *((self.user_secret_id(u.name), u.password) for u in self.users)]


def cache_uri(spec, endpoints, secrets: dict[str, str], user: str | None) -> str:
    cache: CacheSpec = spec.services.cache
    name = user or cache.admin.name
    secret_id = cache.admin_secret_id if user is None else cache.user_secret_id(user)
    return f"redis://{quote(name, safe='')}:{quote(secrets[secret_id], safe='')}@127.0.0.1:{cache.port}/0"
