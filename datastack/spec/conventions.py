"""Where an environment's secrets live by default, so nobody writes twenty references by hand.

    secrets:
      default: "${file:/run/secrets/datastack/{path}}"     # <service>/<database>/<user>
      default: "${env:DATASTACK_DEV_{ID}}"                 # DATASTACK_DEV_<SERVICE>_<DATABASE>_<USER>

A secret the spec does not mention follows the convention; one it states (`password: "${env:X}"`, or
`generate`) keeps what it says. Placeholders: `{id}` the secret id as it is (`<service>.users.<user>`),
`{path}` the id with dots as slashes, `{ID}` the id upper-cased with every other character as `_`.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from .common import SECRET_REF, Strict, UnstatedSecret

PLACEHOLDERS = {
    "{id}": lambda secret_id: secret_id,
    "{path}": lambda secret_id: secret_id.replace(".", "/"),
    "{ID}": lambda secret_id: re.sub(r"[^A-Z0-9]", "_", secret_id.upper()),
}
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SAMPLE_ID = "store.database.user"  # how a refusal shows what a placeholder makes of an id


def _placeholders(template: str) -> list[str]:
    return [p for p in PLACEHOLDERS if p in template]


class SecretConventions(Strict):
    default: str = Field(description="reference for every secret the spec does not state, with {id}, {path} or {ID}: "
                                     "${file:/run/secrets/<project>/{path}} or ${env:<PREFIX>_{ID}}")

    @field_validator("default")
    @classmethod
    def _one_placeholder_in_a_reference(cls, template: str) -> str:
        used = _placeholders(template)
        if len(used) != 1 or template.count("{") != 2 or template.count("}") != 2:
            raise ValueError("a secret convention holds exactly one of {id}, {path}, {ID}; fix: write e.g. "
                             "${file:/run/secrets/<project>/{path}} or ${env:<PREFIX>_{ID}}")
        match = SECRET_REF.match(fill(template, SAMPLE_ID))
        if not match:
            raise ValueError("a secret convention is a reference; fix: write ${file:...{path}} or ${env:..._{ID}}")
        kind, target = match.groups()
        if kind == "env" and (used != ["{ID}"] or not ENV_NAME.match(target)):
            raise ValueError("an ${env:...} convention must build a variable name; fix: use {ID}, e.g. ${env:APP_{ID}}")
        return template


def fill(template: str, secret_id: str) -> str:
    for placeholder, render in PLACEHOLDERS.items():
        template = template.replace(placeholder, render(secret_id))
    return template


def apply_convention(refs: list[tuple[str, str]], conventions: SecretConventions | None) -> list[tuple[str, str]]:
    """Each unstated secret's reference by the convention; stated ones unchanged."""
    if conventions is None:
        return refs
    return [(secret_id, fill(conventions.default, secret_id) if isinstance(ref, UnstatedSecret) else ref)
            for secret_id, ref in refs]


def convention_clash(refs: list[tuple[str, str]], conventions: SecretConventions | None) -> tuple[str, str] | None:
    """Two unstated secrets the convention would read from one place (`{ID}` folds `a.b` and `a_b`): their ids."""
    if conventions is None:
        return None
    seen: dict[str, str] = {}
    for secret_id, ref in refs:
        if isinstance(ref, UnstatedSecret):
            target = fill(conventions.default, secret_id)
            if target in seen:
                return seen[target], secret_id
            seen[target] = secret_id
    return None
