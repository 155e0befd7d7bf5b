"""Building blocks shared by every service's spec: strict models, secrets, users, ports."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from .validators import BindIP, LoginName

SECRET_REF = re.compile(r"^\$\{(env|file):([^}]+)\}$")


class UnstatedSecret(str):
    """The default of every secret field: equal to "generate", but known not to have been written in the spec,
    so an environment's secret convention (`secrets.default`, conventions.py) may take its place."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        # A plain string to pydantic (JSON Schema defaults, dumps); only `isinstance` tells it apart.
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(cls, core_schema.str_schema())


GENERATE = UnstatedSecret("generate")


class Strict(BaseModel):
    """Every spec model forbids unknown keys: a typo must fail, not be ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class InstanceSection(Strict):
    """A service section that may be declared several times (`Service.instances`): it knows the key it was declared
    under, so its plan entries, directories and secret ids are the instance's own."""

    _declared_as: str | None = PrivateAttr(default=None)  # set by the loader for an instance (`instance_of:`)

    def declared_as(self, service: str) -> str:
        """Its name in plans, directories and secret ids: the instance's key, or the service's own name."""
        return self._declared_as or service


def _check_secret_ref(value: str) -> str:
    if value == GENERATE or SECRET_REF.match(value):
        return value
    raise ValueError(
        "a secret must be a reference, not a literal; fix: use ${env:NAME}, ${file:PATH} "
        "or 'generate' (local and ci only)"
    )


# A password in the spec is always a reference; the literal never lives in the repository.
SecretRef = Annotated[str, AfterValidator(_check_secret_ref)]

Port = Annotated[int, Field(ge=1024, le=65535, description="TCP port (unprivileged)")]
Identifier = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$", description="lower-case identifier")]
BindAddress = Annotated[BindIP, Field(description="IP address to listen on; 127.0.0.1 unless the spec says otherwise")]

Access = Literal["admin", "owner", "app", "readonly"]
Milliseconds = float  # a latency budget (checks.budgets.<store>.<operation>)


class SecretId(str):
    """Where a secret is stored and looked up ('<service>.<database>.<user>'); built by the spec models
    (a section's `user_secret_id(...)`, `admin_secret_id`), never typed by hand."""

    @classmethod
    def of(cls, *parts: str) -> "SecretId":
        return cls(".".join(parts))


class Credential(Strict):
    name: LoginName = Field(description="user name")
    password: SecretRef = Field(default=GENERATE, description="secret reference for the password")
