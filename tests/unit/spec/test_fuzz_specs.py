"""Property-based fuzzing: mutate a valid spec (or its schema file, or its bytes) at random and hold every
rejection to the contract of the bad-input suite — a UserError (exit 2) in one line naming the file and
the fix, no other exception, no secret echoed, nothing written to disk. An accepted mutation must also
plan (local and container) or be rejected by the same contract."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from datastack.errors import UserError
from datastack.plan import build_plan
from datastack.plan.toolchain import Toolchain
from datastack.spec import load_environment
from datastack.spec.secrets import masked
from tests.unit.spec.hostile import BASE_SCHEMA, CANARY, base_spec, files_under

EXAMPLES = int(os.environ.get("DATASTACK_FUZZ_EXAMPLES", "500"))

HOSTILE = ["", " ", "\n", "a\nb", "\x00", "\x1b[31m", "[/x]", "[bold]", '"', "'", "\\", "${env:X}",
           "generate", "127.0.0.1\nloadmodule /x", "0.0.0.0", "::1", "*", "admin", "default", "pg_monitor",
           "public", "template1", "local", "$ne", "a b", "x" * 300, "../..", "/", "~", "ü", "\u202e", "%s{}"]

values = st.one_of(
    st.text(max_size=12),
    st.sampled_from(HOSTILE),
    st.integers(min_value=-2, max_value=70000),
    st.sampled_from([0, 1, 65535, 65536, 2**63]),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.lists(st.sampled_from(HOSTILE + ["+@read", "app:*"]), max_size=3),
    st.dictionaries(st.sampled_from(["a", "$ne", "_id", "name", "x y"]), st.sampled_from([1, "x", None]), max_size=2),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


TEMPLATE = base_spec(Path("/T"))
SPEC_PATHS = [p for p in _paths(TEMPLATE) if p]
SCHEMA_PATHS = [p for p in _paths(BASE_SCHEMA) if p]


def _mutate(doc, path, op, value):
    node = doc
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if op == "delete":
        del node[last]
    elif op == "add" and isinstance(node, dict):
        node[value if isinstance(value, str) else str(value)] = 1
    elif op == "splice" and isinstance(node[last], str) and isinstance(value, str):
        node[last] = node[last][:1] + value + node[last][1:]
    else:
        node[last] = value


mutation = st.tuples(st.sampled_from(["replace", "delete", "add", "splice"]), values)


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          phases=(Phase.explicit, Phase.generate, Phase.shrink),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def _fuzz_contract(data):
    RUNS.append(1)
    tmp = Path(tempfile.mkdtemp(prefix="ds-fuzz-"))
    try:
        spec = yaml.safe_load(yaml.safe_dump(base_spec(tmp)))
        schema = yaml.safe_load(yaml.safe_dump(BASE_SCHEMA))
        target = data.draw(st.sampled_from(["spec", "spec", "spec", "schema", "bytes"]))
        for _ in range(data.draw(st.integers(1, 3))):
            op, value = data.draw(mutation)
            if target == "schema":
                paths = [p for p in _paths(schema) if p]
                _mutate(schema, data.draw(st.sampled_from(paths)), op, value)
            elif target == "spec":
                paths = [p for p in _paths(spec) if p and p != ("state_dir",)]
                _mutate(spec, data.draw(st.sampled_from(paths)), op, value)
        if target == "spec" and data.draw(st.booleans()):
            # A literal secret where a reference belongs: it must never be printed back.
            secret_paths = [p for p in _paths(spec) if p and p[-1] in ("password", "keyfile")]
            if secret_paths:
                _mutate(spec, data.draw(st.sampled_from(secret_paths)), "replace",
                        CANARY + data.draw(st.sampled_from(["", "\n", " x", "}", "${env:"])))
        (tmp / "schema.yaml").write_text(yaml.safe_dump(schema, allow_unicode=True))
        raw = yaml.safe_dump(spec, allow_unicode=True).encode()
        if target == "bytes":
            at = data.draw(st.integers(0, len(raw)))
            raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=4)) + raw[at:]
        path = tmp / "env.yaml"
        path.write_bytes(raw)
        before = files_under(tmp)
        try:
            model, _ = load_environment(spec=path)
            secrets = masked(dict(model.secret_refs()))
            for where in ("local", "container"):
                build_plan(model, Toolchain(python="/usr/bin/python3"), secrets, tmp / "state", target=where)
        except UserError as exc:
            line = exc.one_line()
            assert exc.exit_code == 2
            assert "\n" not in line and "\r" not in line, line
            assert "fix:" in line and ("env.yaml" in line or "schema.yaml" in line or ".j2" in line), line
            assert CANARY not in line, line
            assert len(line) < 1000, line
        assert files_under(tmp) == before, "something was written to disk"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


RUNS: list[int] = []


def test_every_rejection_keeps_the_contract():
    """At least 500 examples in under a minute (the issue's bar); counted and timed, not assumed."""
    RUNS.clear()
    started = time.monotonic()
    _fuzz_contract()
    took = time.monotonic() - started
    assert len(RUNS) >= EXAMPLES, f"only {len(RUNS)} examples ran"
    assert took < 60, f"{len(RUNS)} examples took {took:.0f}s"
