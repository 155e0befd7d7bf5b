"""The pure PostgreSQL structure comparison: each kind of difference is one precise line, and the fix it names."""

from __future__ import annotations

import copy

from roles.postgres.reconcile.catalog_snapshot import _unqualifier
from roles.postgres.reconcile.reference import load_cached, save_cached, scripts_key
from checks.lib.pg_structure import Difference, fk_rules, index_shape, structure_differences, structure_fix

DECLARED = {
    "tables": ["orders", "positions", "trades"],
    "columns": {
        "orders": {"id": {"type": "character varying(36)", "not_null": True, "default": "(gen_random_uuid())::text"},
                   "quantity": {"type": "numeric(20,8)", "not_null": True, "default": None},
                   "status": {"type": "order_status", "not_null": True, "default": "'pending'::order_status"}},
        "positions": {"id": {"type": "character varying(36)", "not_null": True, "default": None}},
        "trades": {"id": {"type": "bigint", "not_null": True, "default": "GENERATED ALWAYS AS IDENTITY"}},
    },
    "indexes": {"trades": {"ix_trades_user_id_status": "CREATE INDEX ix_trades_user_id_status ON trades USING btree (user_id, status)"},
                "orders": {"idx_orders_status": "CREATE INDEX idx_orders_status ON orders USING btree (status)"}},
    "constraints": {"positions": {
        "positions_pkey": "PRIMARY KEY (id)",
        "fk_positions_user_id": "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL"}},
}


def live(change=None) -> dict:
    snapshot = copy.deepcopy(DECLARED)
    if change:
        change(snapshot)
    return snapshot


def texts(kind: str, snapshot: dict) -> list[str]:
    return [d.text for d in structure_differences("algo_trading", kind, DECLARED, snapshot)]


def test_identical_snapshots_have_no_difference_of_any_kind():
    for kind in ("tables", "columns", "indexes", "constraints"):
        assert structure_differences("algo_trading", kind, DECLARED, live()) == []


def test_missing_and_undeclared_tables():
    def change(s):
        s["tables"] = ["foo", "orders", "trades"]

    found = structure_differences("algo_trading", "tables", DECLARED, live(change))
    assert found == [Difference("algo_trading: table positions missing"),
                     Difference("algo_trading: table foo not declared", undeclared=True)]
    # A missing table is the tables check's: the other kinds do not repeat it for each of its parts.
    assert texts("constraints", live(change)) == []


def test_column_type_nullability_default_and_presence():
    def change(s):
        orders = s["columns"]["orders"]
        orders["quantity"] = {"type": "numeric(18,8)", "not_null": False, "default": "0"}
        orders["status"]["default"] = None
        orders["note"] = {"type": "text", "not_null": False, "default": None}
        del s["columns"]["positions"]["id"]

    assert texts("columns", live(change)) == [
        "algo_trading.orders: column note not declared",
        "algo_trading.orders.quantity: type numeric(18,8) != declared numeric(20,8)",
        "algo_trading.orders.quantity: NULL != declared NOT NULL",
        "algo_trading.orders.quantity: default 0 != declared none",
        "algo_trading.orders.status: default none != declared 'pending'::order_status",
        "algo_trading.positions: column id missing",
    ]


def test_index_missing_changed_and_undeclared():
    def change(s):
        del s["indexes"]["trades"]["ix_trades_user_id_status"]
        s["indexes"]["orders"]["idx_orders_status"] = "CREATE UNIQUE INDEX idx_orders_status ON orders USING btree (status, id)"
        s["indexes"]["orders"]["idx_extra"] = "CREATE INDEX idx_extra ON orders USING hash (id)"

    assert texts("indexes", live(change)) == [
        "algo_trading.orders: index idx_extra not declared",
        "algo_trading.orders: index idx_orders_status UNIQUE USING btree (status, id) != declared USING btree (status)",
        "algo_trading.trades: index ix_trades_user_id_status missing",
    ]


def test_foreign_key_with_another_on_delete_says_only_that():
    def change(s):
        s["constraints"]["positions"]["fk_positions_user_id"] = \
            "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE"

    assert texts("constraints", live(change)) == [
        "algo_trading.positions: constraint fk_positions_user_id ON DELETE CASCADE != declared SET NULL"]


def test_constraint_with_another_definition_shows_both():
    def change(s):
        s["constraints"]["positions"]["fk_positions_user_id"] = "FOREIGN KEY (id) REFERENCES users(id)"
        del s["constraints"]["positions"]["positions_pkey"]

    assert texts("constraints", live(change)) == [
        "algo_trading.positions: constraint positions_pkey missing",
        "algo_trading.positions: constraint fk_positions_user_id FOREIGN KEY (id) REFERENCES users(id) "
        "!= declared FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL",
    ]


def test_fk_rules_default_to_no_action():
    assert fk_rules("FOREIGN KEY (a) REFERENCES t(id)") == {"DELETE": "NO ACTION", "UPDATE": "NO ACTION"}
    assert fk_rules("FOREIGN KEY (a) REFERENCES t(id) ON UPDATE CASCADE ON DELETE SET NULL") == \
        {"DELETE": "SET NULL", "UPDATE": "CASCADE"}


def test_index_shape_keeps_uniqueness_method_and_predicate():
    assert index_shape("CREATE UNIQUE INDEX x ON t USING btree (a) WHERE (b IS NULL)") == "UNIQUE USING btree (a) WHERE (b IS NULL)"
    assert index_shape("something else") == "something else"


def test_unqualifier_strips_only_the_schema_prefix():
    strip = _unqualifier("public")
    assert strip("'pending'::public.order_status") == "'pending'::order_status"
    assert strip('CREATE INDEX i ON public.orders USING btree (a)') == "CREATE INDEX i ON orders USING btree (a)"
    assert strip("nextval('public.s'::regclass)") == "nextval('s'::regclass)"
    assert strip('REFERENCES "public".users(id)') == "REFERENCES users(id)"
    assert strip("REFERENCES mypublic.users(id)") == "REFERENCES mypublic.users(id)"


def test_fix_depends_on_head_and_on_undeclared_objects():
    missing, extra = Difference("a: index x missing"), Difference("a: table foo not declared", undeclared=True)
    kwargs = {"migrate": "datastack migrate --env local", "alembic_dir": "migrations/postgres/a"}
    assert structure_fix([missing, extra], at_head=False, **kwargs) == \
        "datastack migrate --env local (the database is not at its Alembic head)"
    assert structure_fix([missing], at_head=True, **kwargs).startswith(
        "recreate it as the revisions in migrations/postgres/a declare it")
    assert structure_fix([extra], at_head=True, **kwargs) == (
        "objects not declared must be removed by a new Alembic revision in migrations/postgres/a "
        "(DROP ... IF EXISTS), then datastack migrate --env local")
    assert "; objects not declared" in structure_fix([missing, extra], at_head=True, **kwargs)
    index = Difference("a: index y missing", restorable=True)
    assert structure_fix([index], at_head=True, **kwargs) == \
        "datastack migrate --env local recreates missing indexes from the revisions in migrations/postgres/a"
    assert structure_fix([index, missing], at_head=True, **kwargs).count("; ") == 1


def test_cache_is_keyed_by_the_scripts_and_world_readable(tmp_path):
    scripts = tmp_path / "versions"
    scripts.mkdir()
    (scripts / "0001.py").write_text("revision = '1'\n")
    key = scripts_key(scripts, "public", [])
    assert key == scripts_key(scripts, "public", [])
    assert key != scripts_key(scripts, "app", [])
    path = tmp_path / "state" / "checks" / "postgres-structure-a.json"
    save_cached(path, key, DECLARED)
    assert load_cached(path, key) == DECLARED
    assert path.stat().st_mode & 0o777 == 0o644
    (scripts / "0001.py").write_text("revision = '1'  # changed\n")
    assert load_cached(path, scripts_key(scripts, "public", [])) is None
    assert load_cached(tmp_path / "absent.json", key) is None
