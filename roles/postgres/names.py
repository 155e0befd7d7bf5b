"""PostgreSQL's names (NAMEDATALEN-1 = 63 bytes), the ones the server keeps for itself, and the tuning settings a
spec may set."""

from __future__ import annotations

import re
from typing import Annotated, Any

from datastack.spec.validators import LOWER, named

# Lengths are PostgreSQL's own limit.
POSTGRES_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

POSTGRES_RESERVED_DATABASES = frozenset({"postgres", "template0", "template1"})
POSTGRES_RESERVED_ROLES = frozenset({
    "public", "none", "current_user", "current_role", "session_user", "user", "all", "default",
})
POSTGRES_RESERVED_SCHEMAS = frozenset({"information_schema"})

PostgresDatabaseName = Annotated[str, named(POSTGRES_NAME, "PostgreSQL database name", LOWER,
                                             POSTGRES_RESERVED_DATABASES, ("pg_",))]
PostgresRoleName = Annotated[str, named(POSTGRES_NAME, "PostgreSQL role name", LOWER, POSTGRES_RESERVED_ROLES,
                                         ("pg_",))]
PostgresSchemaName = Annotated[str, named(POSTGRES_NAME, "PostgreSQL schema name", LOWER, POSTGRES_RESERVED_SCHEMAS,
                                           ("pg_",))]
PostgresExtensionName = Annotated[str, named(POSTGRES_NAME, "PostgreSQL extension name", LOWER)]

# ---- PostgreSQL settings -----------------------------------------------------------------------
# Tuning parameters a spec may set. Anything that moves files, listeners, authentication, libraries
# or commands (hba_file, listen_addresses, password_encryption, ssl_*, *_preload_libraries,
# archive_command, ...) belongs to datastack's own template and is refused.

POSTGRES_SETTINGS_ALLOWED = frozenset({
    "max_connections", "shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem",
    "temp_buffers", "huge_pages", "wal_buffers", "min_wal_size", "max_wal_size", "checkpoint_timeout",
    "checkpoint_completion_target", "random_page_cost", "seq_page_cost", "effective_io_concurrency",
    "default_statistics_target", "max_worker_processes", "max_parallel_workers", "max_parallel_workers_per_gather",
    "max_parallel_maintenance_workers", "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
    "idle_session_timeout", "deadlock_timeout", "log_min_duration_statement", "log_lock_waits",
    "log_temp_files", "log_autovacuum_min_duration", "log_checkpoints", "autovacuum", "autovacuum_naptime",
    "autovacuum_max_workers", "autovacuum_vacuum_scale_factor", "autovacuum_analyze_scale_factor",
    "timezone", "datestyle", "default_transaction_isolation", "synchronous_commit", "jit", "track_io_timing",
    "max_locks_per_transaction", "max_prepared_transactions", "wal_compression", "commit_delay",
})
SETTING_VALUE = re.compile(r"^[A-Za-z0-9_.+/:-]{1,64}$")


def check_postgres_settings(settings: dict[str, Any]) -> dict[str, Any]:
    for key, value in settings.items():
        if key not in POSTGRES_SETTINGS_ALLOWED:
            raise ValueError(
                f"setting {key!r} is not on the allow-list (files, listeners, authentication and libraries are "
                "datastack's own); fix: remove it, or use one of the tuning settings listed in docs/postgres-redis.md"
            )
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"setting {key!r} must be a number or a word; fix: write e.g. 100, 128MB, on, 'UTC'")
        if isinstance(value, str) and not SETTING_VALUE.match(value):
            raise ValueError(
                f"setting {key!r} has an unsafe value; fix: use 1-64 letters, digits and _ . + / : - (e.g. 128MB, 30s)"
            )
    return settings
