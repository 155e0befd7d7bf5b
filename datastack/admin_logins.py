"""The administrator password each store last accepted, so that rotating an admin secret is just a migrate.

A reconciler logs in as the store's administrator with the current secret. When the store refuses it
(the secret was rotated since), the reconciler logs in with the password recorded here, sets the current
one, and records that. The record lives beside secrets.json in the environment's state directory, 0600.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from .errors import RuntimeFailure
from .spec import EnvironmentSpec
from .spec.secrets import write_private

RECORD = "admin-logins.json"
Client = TypeVar("Client")


def _record_path(spec: EnvironmentSpec):
    from .plan.build import state_dir_for

    return state_dir_for(spec) / RECORD


def _read(spec: EnvironmentSpec) -> dict[str, str]:
    try:
        return json.loads(_record_path(spec).read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def remember_admin_password(spec: EnvironmentSpec, secret_id: str, value: str) -> None:
    record = _read(spec)
    if record.get(secret_id) != value:
        record[secret_id] = value
        write_private(_record_path(spec), json.dumps(record, indent=2, sort_keys=True))


def admin_login(spec: EnvironmentSpec, secret_id: str, current: str, log_in: Callable[[str], Client],
                refused: Callable[[BaseException], bool], *, store: str) -> tuple[Client, bool]:
    """(client, rotated): logged in with the current secret, or with the last accepted one (rotated=True).

    With rotated=True the caller must set the current password, then call `remember_admin_password`."""
    try:
        client = log_in(current)
    except Exception as exc:  # noqa: BLE001 - only a refused password is retried; the rest propagates
        if not refused(exc):
            raise
        previous = _read(spec).get(secret_id)
        if previous is None or previous == current:
            raise RuntimeFailure(f"{store} refused the administrator password ({secret_id}) and no earlier one is recorded",
                                 fix=f"restore the previous value of {secret_id}, run 'datastack migrate {spec.selector}', then rotate it") from None
        try:
            return log_in(previous), True
        except Exception as again:  # noqa: BLE001
            if refused(again):
                raise RuntimeFailure(f"{store} refused both the current and the last applied administrator password ({secret_id})",
                                     fix=f"set {secret_id} to the password the server has, then run 'datastack migrate {spec.selector}'") from None
            raise
    remember_admin_password(spec, secret_id, current)
    return client, False
