"""Run migrate_postgres in its own process from a job file (spec, endpoints, secrets): for kill/race tests.

Usage: python run_migrator.py JOB.json   — prints the reports as JSON on stdout, progress on stderr,
exits 1 with the one-line error on a DatastackError. The job file holds secrets: 0600, deleted on read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from datastack.endpoints import Endpoints
from datastack.errors import DatastackError
from roles.postgres.reconcile import migrate_postgres
from datastack.migrate.report import MigrateOptions
from datastack.spec import EnvironmentSpec


def main(job_file: str) -> int:
    path = Path(job_file)
    job = json.loads(path.read_text())
    path.unlink()
    spec = EnvironmentSpec.model_validate(job["spec"])
    endpoints = Endpoints.model_validate(job["endpoints"])
    options = MigrateOptions(lock_timeout_s=job["lock_timeout_s"],
                             progress=lambda line: print(line, file=sys.stderr, flush=True))
    try:
        reports = migrate_postgres(spec, endpoints, job["secrets"], options)
    except DatastackError as exc:
        print(exc.one_line(), file=sys.stderr)
        return exc.exit_code
    print(json.dumps([r.model_dump(mode="json") for r in reports]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
