"""Shared by the bad-input suite and the fuzz test: a valid spec and schema, and the contract every
rejection must keep (exit 2, one line naming file, field and fix, no traceback, no secret, no writes)."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import yaml
from typer.testing import CliRunner

from datastack.cli import app

CANARY = "CANARY-5ecret-do-not-echo"

BASE_SCHEMA = {
    "collections": {
        "orders": {"indexes": [{"name": "symbol_1", "keys": {"symbol": 1}}]},
        "config": {},
    },
    "roles": [{"name": "reader", "privileges": [{"collection": "orders", "actions": ["find"]}]}],
    "seeds": {"config": [{"_id": "global", "enabled": False}]},
}


def base_spec(tmp: Path) -> dict:
    """A valid spec touching every service, with state and schema under `tmp`."""
    return {
        "name": "local",
        "description": "hostile-input base",
        "state_dir": str(tmp / "state"),
        "services": {
            "mongodb": {
                "topology": "replica_set", "members": 3, "port": 27117, "bind": "127.0.0.1", "keyfile": "generate",
                "admin": {"name": "admin", "password": "generate"},
                "databases": {"bot_core": {"schema": str(tmp / "schema.yaml"), "users": [
                    {"name": "bot_core_admin", "access": "admin", "roles": ["dbOwner"]},
                    {"name": "bot_core_app", "access": "app", "roles": ["readWrite"]},
                    {"name": "bot_core_readonly", "access": "readonly", "roles": ["read", "reader"]},
                ]}},
            },
            "postgres": {
                "port": 55432, "bind": "127.0.0.1", "superuser": {"name": "postgres", "password": "generate"},
                "settings": {"max_connections": 100, "shared_buffers": "128MB"},
                "databases": {"algo_trading": {"users": [
                    {"name": "algo_trading_owner", "access": "owner"},
                    {"name": "algo_trading_app", "access": "app"},
                    {"name": "algo_trading_readonly", "access": "readonly"},
                ]}},
            },
            "redis": {
                "port": 56379, "bind": "127.0.0.1", "admin": {"name": "admin", "password": "generate"},
                "users": [
                    {"name": "trading_app", "access": "app", "keys": ["app:*"], "channels": ["app:*"],
                     "commands": ["+@all", "-@dangerous"]},
                    {"name": "monitoring", "access": "readonly", "keys": ["*"], "commands": ["+@read", "+ping"]},
                ],
            },
            "mongo_express": {"enabled": True, "port": 18081, "bind": "127.0.0.1",
                              "basic_auth": {"name": "admin", "password": "generate"}, "database": "bot_core"},
            "apps": [{"name": "reference", "kind": "reference", "port": 18080, "bind": "127.0.0.1",
                      "uses": {"mongodb": ["bot_core", "bot_core_app"], "postgres": ["algo_trading", "algo_trading_app"],
                               "redis": "trading_app"}}],
        },
    }


def set_path(data: dict, dotted: str, value) -> dict:
    """A copy of `data` with the value at 'a.b.0.c' replaced (or added)."""
    data = copy.deepcopy(data)
    parts = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    node = data
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    return data


def files_under(*roots: Path) -> set[str]:
    found = set()
    for root in roots:
        if root.exists():
            for dirpath, dirnames, filenames in os.walk(root):
                found |= {os.path.join(dirpath, n) for n in dirnames + filenames}
    return found


_runner = CliRunner()


def run_plan(spec_path: Path) -> tuple[int, str, str]:
    result = _runner.invoke(app, ["plan", "--spec", str(spec_path)], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}")
    return result.exit_code, result.stdout, result.stderr


def assert_rejected(tmp: Path, spec_path: Path, *, fields: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> str:
    """Run `datastack plan --spec` and check the whole contract of a rejection; returns the error line."""
    before = files_under(tmp)
    code, out, err = run_plan(spec_path)
    text = out + err
    assert code == 2, f"exit {code}, expected 2: {text!r}"
    line = err.strip()
    assert line and "\n" not in line, f"not one line: {err!r}"
    assert "Traceback" not in text and "unexpected" not in text, text
    assert CANARY not in text, "a secret was echoed"
    assert "fix:" in line, line
    assert any(n in line for n in (names or (spec_path.name,))), f"file not named: {line}"
    for field in fields:
        assert field in line, f"field {field!r} not named: {line}"
    assert files_under(tmp) == before, "something was written to disk"
    assert len(line) < 600, "an error line must stay readable"
    return line


def write_spec(tmp: Path, spec, schema=None, name: str = "env.yaml") -> Path:
    """Write spec (dict -> YAML, str -> text, bytes -> raw) and the schema beside it."""
    schema = BASE_SCHEMA if schema is None else schema
    target = tmp / "schema.yaml"
    if isinstance(schema, bytes):
        target.write_bytes(schema)
    elif isinstance(schema, str):
        target.write_text(schema)
    else:
        target.write_text(yaml.safe_dump(schema, sort_keys=False))
    path = tmp / name
    if isinstance(spec, bytes):
        path.write_bytes(spec)
    elif isinstance(spec, str):
        path.write_text(spec)
    else:
        path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    return path
