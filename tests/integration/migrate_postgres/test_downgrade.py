"""`downgrade base` then `upgrade head` works for both databases: every revision undoes itself cleanly."""

from __future__ import annotations

import pytest
from alembic import command

from roles.postgres.reconcile import migrate_postgres
from roles.postgres.reconcile.alembic_runner import alembic_config, alembic_options
from roles.postgres.reconcile.connect import engine_for
from roles.postgres.reconcile.settings import load_alembic_settings
from datastack.migrate.report import MigrateOptions
from datastack.paths import PROJECT_ROOT

pytestmark = pytest.mark.integration


def leftovers(env, database: str) -> list[str]:
    with env.connect(database) as conn:
        return [row[0] for row in conn.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND relname NOT LIKE 'alembic_version%' "
            "UNION ALL SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = 'public' AND t.typtype = 'e'").fetchall()]


@pytest.mark.parametrize("which", ["algo", "service"])
def test_downgrade_to_base_then_upgrade_again(pg_env, which):
    migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
    database = getattr(pg_env, which)
    db = pg_env.spec.services.postgres.databases[database]
    engine = engine_for(pg_env.spec, pg_env.endpoints, pg_env.secrets, database=database, user=db.owner.name)
    options = alembic_options(load_alembic_settings(), db.schema_name)
    with engine.connect() as conn:
        command.downgrade(alembic_config(PROJECT_ROOT / db.alembic, options, conn), "base")
        conn.commit()
    engine.dispose()
    assert leftovers(pg_env, database) == []

    again = next(r for r in migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
                 if r.database == database)
    assert again.revision["current"] == again.revision["head"]
    assert len([c for c in again.applied if c.action == "alembic_upgrade"]) in (3, 4)
