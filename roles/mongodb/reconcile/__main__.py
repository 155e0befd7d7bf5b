"""Run the MongoDB migrator on its own, without the CLI: for fault tests and the benchmark.

    python -m roles.mongodb.reconcile CONTEXT.json [--dry-run] [--lease-seconds S] [--lock-timeout S]
        [--connect-timeout S]

CONTEXT.json (keep it 0600: it holds secrets) is {"spec": ..., "endpoints": ..., "secrets": ...}.
Prints the reports as JSON; exit 2 for bad input, 1 for a failed run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from datastack.endpoints import Endpoints
from datastack.errors import DatastackError
from datastack.spec import EnvironmentSpec
from datastack.migrate.report import MigrateOptions
from . import migrate_mongodb


def write_context(path: Path, spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> None:
    from datastack.spec.secrets import write_private

    write_private(path, json.dumps({
        "spec": spec.model_dump(mode="json", by_alias=True),
        "endpoints": endpoints.model_dump(mode="json"),
        "secrets": secrets,
    }))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m roles.mongodb.reconcile")
    parser.add_argument("context", type=Path)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--lease-seconds", type=float, default=None)
    parser.add_argument("--lock-timeout", type=float, default=60.0)
    parser.add_argument("--connect-timeout", type=float, default=None)
    args = parser.parse_args(argv)
    context = json.loads(args.context.read_text())
    spec = EnvironmentSpec.model_validate(context["spec"])
    endpoints = Endpoints.model_validate(context["endpoints"])
    options = MigrateOptions(dry_run=args.dry_run, lock_timeout_s=args.lock_timeout,
                             progress=lambda line: print(line, file=sys.stderr, flush=True))
    try:
        reports = migrate_mongodb(spec, endpoints, context["secrets"], options,
                                  connect_timeout_s=args.connect_timeout, lease_s=args.lease_seconds)
    except DatastackError as exc:
        print(exc.one_line(), file=sys.stderr)
        return exc.exit_code
    print(json.dumps([{**r.model_dump(mode="json"), "counts": r.counts} for r in reports]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
