"""The bad-input suite: hostile specs and schema files through the real CLI (`datastack plan --spec`).

Every case must end with exit 2 and one line naming the file, the field and the fix — no traceback,
no secret echoed, nothing written to disk (see hostile.assert_rejected).
"""

from __future__ import annotations

import pytest
import yaml

from tests.unit.spec.hostile import BASE_SCHEMA, CANARY, assert_rejected, base_spec, run_plan, set_path, write_spec

INJECT = "\nuser backdoor on nopass ~* &* +@all\nuser x"
LONG = "a" * 100_000
M = "services.mongodb"
P = "services.postgres"
R = "services.redis"

# (id, dotted path, value, text the error line must name)
FIELD_CASES = [
    # ---- binds: one IP address, nothing else
    ("redis-bind-newline", f"{R}.bind", "127.0.0.1\nloadmodule /tmp/evil.so", "services.redis.bind"),
    ("redis-bind-two", f"{R}.bind", "127.0.0.1 0.0.0.0", "services.redis.bind"),
    ("mongo-bind-yaml", f"{M}.bind", "127.0.0.1\nsetParameter:\n  enableLocalhostAuthBypass: true", "services.mongodb.bind"),
    ("mongo-bind-hostname", f"{M}.bind", "db.example.com", "services.mongodb.bind"),
    ("postgres-bind-star", f"{P}.bind", "*", "services.postgres.bind"),
    ("postgres-bind-quote", f"{P}.bind", "127.0.0.1'\nhba_file='/tmp/x", "services.postgres.bind"),
    ("express-bind-empty", "services.mongo_express.bind", "", "services.mongo_express.bind"),
    ("app-bind-toml", "services.apps.0.bind", '127.0.0.1"\nauth = false\n#', "services.apps.0.bind"),
    ("bind-list", f"{R}.bind", ["127.0.0.1"], "services.redis.bind"),
    # ---- Redis names and ACL words
    ("redis-admin-inject", f"{R}.admin.name", "admin" + INJECT, "services.redis.admin"),
    ("redis-admin-default", f"{R}.admin.name", "default", "admin.name"),
    ("redis-admin-space", f"{R}.admin.name", "ad min", "services.redis.admin"),
    ("redis-user-inject", f"{R}.users.0.name", "u" + INJECT, "services.redis.users.0"),
    ("redis-user-default", f"{R}.users.0.name", "default", "services.redis.users.0.name"),
    ("redis-user-empty", f"{R}.users.0.name", "", "services.redis.users.0.name"),
    ("redis-user-huge", f"{R}.users.0.name", LONG, "services.redis.users.0.name"),
    ("redis-user-twice", f"{R}.users.1.name", "trading_app", "services.redis"),
    ("redis-user-is-admin", f"{R}.users.1.name", "admin", "services.redis"),
    ("redis-key-space", f"{R}.users.0.keys", ["app:* ~*"], "services.redis.users.0.keys"),
    ("redis-key-quote", f"{R}.users.0.keys", ['app:"*'], "services.redis.users.0.keys"),
    ("redis-key-newline", f"{R}.users.0.keys", ["a\nuser x on"], "services.redis.users.0.keys"),
    ("redis-key-prefixed", f"{R}.users.0.keys", ["~*"], "services.redis.users.0.keys"),
    ("redis-channel-space", f"{R}.users.0.channels", ["a b"], "services.redis.users.0.channels"),
    ("redis-rule-nopass", f"{R}.users.0.commands", ["nopass"], "services.redis.users.0.commands"),
    ("redis-rule-two-words", f"{R}.users.0.commands", ["+@all on"], "services.redis.users.0.commands"),
    ("redis-rule-unknown", f"{R}.users.0.commands", ["+nosuchcommand"], "services.redis.users.0.commands"),
    ("redis-readonly-set", f"{R}.users.1.commands", ["+@read", "+set"], "services.redis.users.1"),
    ("redis-readonly-del", f"{R}.users.1.commands", ["+@read", "+del"], "services.redis.users.1"),
    ("redis-readonly-flushall", f"{R}.users.1.commands", ["+@read", "+flushall"], "services.redis.users.1"),
    ("redis-readonly-all", f"{R}.users.1.commands", ["+@all"], "services.redis.users.1"),
    ("redis-readonly-all-minus-write", f"{R}.users.1.commands", ["+@all", "-@write"], "services.redis.users.1"),
    ("redis-readonly-string", f"{R}.users.1.commands", ["+@string"], "services.redis.users.1"),
    ("redis-readonly-config", f"{R}.users.1.commands", ["+@read", "+config"], "services.redis.users.1"),
    ("redis-readonly-eval", f"{R}.users.1.commands", ["+@read", "+eval"], "services.redis.users.1"),
    ("redis-maxmemory-inject", f"{R}.maxmemory", "1gb\nloadmodule /tmp/evil.so", "services.redis.maxmemory"),
    ("redis-policy", f"{R}.maxmemory_policy", "noeviction\nx", "services.redis.maxmemory_policy"),
    ("redis-version", f"{R}.version", "7.0 latest", "services.redis.version"),
    ("redis-port-high", f"{R}.port", 70000, "services.redis.port"),
    ("redis-literal-password", f"{R}.users.0.password", CANARY, "services.redis.users.0.password"),
    ("redis-admin-literal-password", f"{R}.admin.password", CANARY, "services.redis.admin.password"),
    # ---- MongoDB
    ("mongo-db-admin", f"{M}.databases", {"admin": {"users": []}}, "services.mongodb.databases"),
    ("mongo-db-local", f"{M}.databases", {"local": {"users": []}}, "services.mongodb.databases"),
    ("mongo-db-config", f"{M}.databases", {"config": {"users": []}}, "services.mongodb.databases"),
    ("mongo-db-dash", f"{M}.databases", {"bot-core": {"users": []}}, "services.mongodb.databases"),
    ("mongo-db-empty", f"{M}.databases", {"": {"users": []}}, "services.mongodb.databases"),
    ("mongo-db-huge", f"{M}.databases", {LONG[:5000]: {"users": []}}, "services.mongodb.databases"),
    ("mongo-db-dollar", f"{M}.databases", {"a$b": {"users": []}}, "services.mongodb.databases"),
    ("mongo-user-inject", f"{M}.databases.bot_core.users.1.name", 'x", roles: [root]', "services.mongodb.databases.bot_core.users.1.name"),
    ("mongo-user-system", f"{M}.databases.bot_core.users.1.name", "__system", "services.mongodb.databases.bot_core.users.1.name"),
    ("mongo-user-huge", f"{M}.databases.bot_core.users.1.name", LONG, "services.mongodb.databases.bot_core.users.1.name"),
    ("mongo-admin-newline", f"{M}.admin.name", "admin\nx", "services.mongodb.admin"),
    ("mongo-rs-newline", f"{M}.replica_set_name", "rs0\nsecurity:\n  authorization: disabled", "services.mongodb.replica_set_name"),
    ("mongo-rs-empty", f"{M}.replica_set_name", "", "services.mongodb.replica_set_name"),
    ("mongo-members-past-65535", f"{M}.port", 65535, "services.mongodb"),
    ("mongo-members-past-65535-b", f"{M}.port", 65534, "services.mongodb"),
    ("mongo-port-low", f"{M}.port", 80, "services.mongodb.port"),
    ("mongo-members-zero", f"{M}.members", 0, "services.mongodb.members"),
    ("mongo-readonly-readwrite", f"{M}.databases.bot_core.users.2.roles", ["readWrite"], "services.mongodb.databases.bot_core.users.2"),
    ("mongo-readonly-dbadmin", f"{M}.databases.bot_core.users.2.roles", ["dbAdmin"], "services.mongodb.databases.bot_core.users.2"),
    ("mongo-app-root", f"{M}.databases.bot_core.users.1.roles", ["root"], "services.mongodb.databases.bot_core.users.1"),
    ("mongo-app-useradmin", f"{M}.databases.bot_core.users.1.roles", [{"role": "userAdminAnyDatabase", "db": "admin"}], "services.mongodb.databases.bot_core.users.1"),
    ("mongo-grant-local", f"{M}.databases.bot_core.users.1.roles", [{"role": "read", "db": "local"}], "services.mongodb.databases.bot_core.users.1.roles"),
    ("mongo-role-operator", f"{M}.databases.bot_core.users.1.roles", ["$where"], "services.mongodb.databases.bot_core.users.1.roles"),
    ("mongo-roles-empty", f"{M}.databases.bot_core.users.1.roles", [], "services.mongodb.databases.bot_core.users.1.roles"),
    ("mongo-keyfile-literal", f"{M}.keyfile", CANARY, "services.mongodb.keyfile"),
    ("mongo-password-literal", f"{M}.admin.password", CANARY, "services.mongodb.admin.password"),
    ("mongo-version", f"{M}.version", "7.0\nx", "services.mongodb.version"),
    ("mongo-auth-off", f"{M}.auth", False, "services.mongodb.auth"),
    ("mongo-schema-shadow", f"{M}.databases.bot_core.schema", "/etc/shadow", "services.mongodb.databases.bot_core.schema"),
    ("mongo-schema-empty", f"{M}.databases.bot_core.schema", "", "services.mongodb.databases.bot_core.schema"),
    ("mongo-schema-dir", f"{M}.databases.bot_core.schema", "/etc/x.yaml", "services.mongodb.databases.bot_core.schema"),
    ("pg-alembic-empty", f"{P}.databases.algo_trading.alembic", "", "services.postgres.databases.algo_trading.alembic"),
    ("pg-alembic-file", f"{P}.databases.algo_trading.alembic", "/etc/hostname", "services.postgres.databases.algo_trading.alembic"),
    # ---- PostgreSQL
    ("pg-db-template1", f"{P}.databases", {"template1": {"users": []}}, "services.postgres.databases"),
    ("pg-db-postgres", f"{P}.databases", {"postgres": {"users": []}}, "services.postgres.databases"),
    ("pg-db-pg", f"{P}.databases", {"pg_x": {"users": []}}, "services.postgres.databases"),
    ("pg-role-pg-monitor", f"{P}.databases.algo_trading.users.1.name", "pg_monitor", "services.postgres.databases.algo_trading.users.1.name"),
    ("pg-role-public", f"{P}.databases.algo_trading.users.1.name", "public", "services.postgres.databases.algo_trading.users.1.name"),
    ("pg-role-current-user", f"{P}.databases.algo_trading.users.1.name", "current_user", "services.postgres.databases.algo_trading.users.1.name"),
    ("pg-role-quote", f"{P}.databases.algo_trading.users.1.name", 'x"; DROP ROLE postgres; --', "services.postgres.databases.algo_trading.users.1.name"),
    ("pg-role-upper", f"{P}.databases.algo_trading.users.1.name", "Algo", "services.postgres.databases.algo_trading.users.1.name"),
    ("pg-role-64", f"{P}.databases.algo_trading.users.1.name", "a" * 64, "services.postgres.databases.algo_trading.users.1.name"),
    ("pg-superuser-pg", f"{P}.superuser.name", "pg_read_all_data", "services.postgres"),
    ("pg-superuser-literal", f"{P}.superuser.password", CANARY, "services.postgres.superuser.password"),
    ("pg-schema-catalog", f"{P}.databases.algo_trading.schema_name", "pg_catalog", "services.postgres.databases.algo_trading.schema_name"),
    ("pg-schema-info", f"{P}.databases.algo_trading.schema_name", "information_schema", "services.postgres.databases.algo_trading.schema_name"),
    ("pg-extension-inject", f"{P}.databases.algo_trading.extensions", ["x; DROP"], "services.postgres.databases.algo_trading.extensions"),
    ("pg-setting-hba", f"{P}.settings", {"hba_file": "/tmp/evil"}, "services.postgres.settings"),
    ("pg-setting-listen", f"{P}.settings", {"listen_addresses": "*"}, "services.postgres.settings"),
    ("pg-setting-password-enc", f"{P}.settings", {"password_encryption": "md5"}, "services.postgres.settings"),
    ("pg-setting-preload", f"{P}.settings", {"shared_preload_libraries": "evil"}, "services.postgres.settings"),
    ("pg-setting-archive", f"{P}.settings", {"archive_command": "sh -c x"}, "services.postgres.settings"),
    ("pg-setting-unknown", f"{P}.settings", {"no_such_setting": 1}, "services.postgres.settings"),
    ("pg-setting-value-quote", f"{P}.settings", {"work_mem": "4MB'\nhba_file = '/tmp/x"}, "services.postgres.settings"),
    ("pg-setting-value-space", f"{P}.settings", {"timezone": "UTC ' x"}, "services.postgres.settings"),
    ("pg-setting-value-list", f"{P}.settings", {"work_mem": ["4MB"]}, "services.postgres.settings"),
    ("pg-grant-undeclared", f"{P}.databases.algo_trading.grants", [{"role": "ghost", "access": "readonly"}], "services.postgres"),
    # ---- state_dir
    ("state-empty", "state_dir", "", "state_dir"),
    ("state-root", "state_dir", "/", "state_dir"),
    ("state-etc", "state_dir", "/etc", "state_dir"),
    ("state-home", "state_dir", "/home/", "state_dir"),
    ("state-dotdot", "state_dir", "../../etc", "state_dir"),
    ("state-space", "state_dir", "/srv/a b", "state_dir"),
    ("state-quote", "state_dir", "/srv/it's", "state_dir"),
    ("state-newline", "state_dir", "/srv/x\nloadmodule /tmp/evil.so", "state_dir"),
    # ---- apps and mongo-express
    ("app-image-missing", "services.apps.0.kind", "image", "services.apps.0"),
    ("app-image-shell", "services.apps.0", {"name": "x", "kind": "image", "image": "x; rm -rf /", "port": 18090}, "services.apps.0.image"),
    ("app-name-upper", "services.apps.0.name", "Ref", "services.apps.0.name"),
    ("app-port-65536", "services.apps.0.port", 65536, "services.apps.0.port"),
    ("app-uses-other-user", "services.apps.0.uses.mongodb", ["bot_core", "algo_trading_app"], "apps"),
    ("app-uses-bad-db", "services.apps.0.uses.postgres", ["template1", "algo_trading_app"], "services.apps.0.uses.postgres"),
    ("express-db-misspelt", "services.mongo_express.database", "bot_cor", "services.mongo_express.database"),
    ("express-version", "services.mongo_express.version", "1.0.2\nx", "services.mongo_express.version"),
    ("express-basic-auth-literal", "services.mongo_express.basic_auth.password", CANARY, "services.mongo_express.basic_auth.password"),
    # ---- the environment itself
    ("env-name", "name", "evil", "name"),
    ("env-engine", "engine", "shell", "engine"),
    ("env-description-control", "description", "a\x1b[31mred", "description"),
    ("env-description-huge", "description", LONG, "description"),
    ("env-unknown-key", "colour", "blue", "colour"),
    ("env-markup-key", "[/x]", 1, "[/x]"),
    ("env-markup-value", "engine", "[bold red]x[/]", "engine"),
    ("env-ports-clash", f"{R}.port", 55432, "port 55432"),
]


@pytest.mark.parametrize("case_id,path,value,field", FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_hostile_field(tmp_path, case_id, path, value, field):
    spec = set_path(base_spec(tmp_path), path, value)
    assert_rejected(tmp_path, write_spec(tmp_path, spec), fields=(field,))


def _text(tmp_path, body: str) -> str:
    return yaml.safe_dump(base_spec(tmp_path), sort_keys=False) + body


# (id, builder(tmp) -> spec text or bytes, text the error line must name)
RAW_CASES = [
    ("yaml-alias-bomb", lambda t: "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nname: local\n", "alias"),
    ("yaml-anchor-reuse", lambda t: _text(t, "").replace("    topology: replica_set", "    topology: &t replica_set")
                                    .replace("name: local", "name: local\nextra: *t"), "alias"),
    ("yaml-duplicate-key", lambda t: _text(t, "").replace("name: local\n", "name: local\nname: prod\n", 1), "twice"),
    ("yaml-duplicate-nested", lambda t: _text(t, "").replace("    port: 56379\n", "    port: 56379\n    port: 6379\n"), "twice"),
    ("yaml-merge-key", lambda t: "base: &b {port: 1}\nname: local\nservices:\n  redis:\n    <<: *b\n", "alias"),
    ("yaml-not-utf8", lambda t: _text(t, "").encode().replace(b"hostile-input base", b"caf\xe9"), "UTF-8"),
    ("yaml-utf16", lambda t: _text(t, "").encode("utf-16"), "UTF-8"),
    ("yaml-deep-list", lambda t: _text(t, "") .replace("description: hostile-input base", "description: " + "[" * 5000 + "]" * 5000), "nest"),
    ("yaml-deep-map", lambda t: _text(t, "").replace("description: hostile-input base", "description: " + "{a: " * 300 + "1" + "}" * 300), "nest"),
    ("yaml-python-tag", lambda t: _text(t, "").replace("description: hostile-input base", "description: !!python/object/apply:os.system ['id']"), "malformed YAML"),
    ("yaml-top-list", lambda t: "- name: local\n", "mapping"),
    ("yaml-top-scalar", lambda t: "local\n", "mapping"),
    ("yaml-empty", lambda t: "", "mapping"),
    ("yaml-syntax", lambda t: "name: local\nservices: {redis: [\n", "malformed YAML"),
    ("yaml-huge", lambda t: "name: local\n" + "# padding\n" * 120_000, "larger"),
    ("yaml-nul", lambda t: "name: local\ndescription: \"a\\0b\"\nservices: {}\n", "control character"),
    ("yaml-tab-in-key", lambda t: "name: local\n\"serv\\tices\": {}\n", "control character"),
    ("yaml-bidi-override", lambda t: _text(t, "").replace("hostile-input base", "admin\u202eevil"), "control character"),
]


@pytest.mark.parametrize("case_id,build,needle", RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_hostile_file(tmp_path, case_id, build, needle):
    line = assert_rejected(tmp_path, write_spec(tmp_path, build(tmp_path)))
    assert needle.lower() in line.lower(), line


def _schema(**changes) -> dict:
    schema = yaml.safe_load(yaml.safe_dump(BASE_SCHEMA))
    schema.update(changes)
    return schema


# (id, schema (dict, text or bytes), text the error line must name)
SCHEMA_CASES = [
    ("schema-alias-bomb", "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                          "collections: {c: {validator: {x: [*b, *b, *b, *b]}}}\n", "alias"),
    ("schema-duplicate-collection", "collections:\n  orders: {}\n  orders: {capped: {size: 1}}\n", "twice"),
    ("schema-seed-id-operator", _schema(seeds={"config": [{"_id": {"$ne": None}, "enabled": True}]}), "_id"),
    ("schema-seed-id-list", _schema(seeds={"config": [{"_id": [1, 2]}]}), "_id"),
    ("schema-seed-id-null", _schema(seeds={"config": [{"_id": None}]}), "_id"),
    ("schema-seed-id-bool", _schema(seeds={"config": [{"_id": True}]}), "_id"),
    ("schema-seed-operator-field", _schema(seeds={"config": [{"_id": "g", "$set": {"admin": True}}]}), "operator"),
    ("schema-seed-nested-operator", _schema(seeds={"config": [{"_id": "g", "a": {"b": {"$where": "1"}}}]}), "operator"),
    ("schema-seed-undeclared", _schema(seeds={"nope": [{"_id": "g"}]}), "nope"),
    ("schema-role-inject", _schema(roles=[{"name": "r\nx", "privileges": []}]), "control character"),
    ("schema-role-space", _schema(roles=[{"name": "r x", "privileges": []}]), "roles.0.name"),
    ("schema-readonly-writer-role", _schema(roles=[{"name": "reader", "privileges": [
        {"collection": "orders", "actions": ["find", "insert"]}]}]), "insert"),
    ("schema-collection-system", _schema(collections={"system.users": {}}), "system.users"),
    ("schema-collection-dollar", _schema(collections={"a$b": {}}), "a$b"),
    ("schema-not-utf8", b"collections:\n  caf\xe9: {}\n", "UTF-8"),
    ("schema-deep", "collections: {c: {validator: " + "{a: " * 200 + "1" + "}" * 200 + "}}\n", "nest"),
    ("schema-unknown-key", _schema(colections={}), "colections"),
    ("schema-markup", _schema(**{"[/x]": 1}), "[/x]"),
]


@pytest.mark.parametrize("case_id,schema,needle", SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_hostile_schema_file(tmp_path, case_id, schema, needle):
    line = assert_rejected(tmp_path, write_spec(tmp_path, base_spec(tmp_path), schema), names=("schema.yaml", "env.yaml"))
    assert needle.lower() in line.lower(), line


def test_there_are_at_least_eighty_hostile_inputs():
    assert len(FIELD_CASES) + len(RAW_CASES) + len(SCHEMA_CASES) >= 80


def test_the_base_spec_is_valid(tmp_path):
    """Each case is one change away from this: the rejection is the change's, not the base's."""
    code, out, err = run_plan(write_spec(tmp_path, base_spec(tmp_path)))
    assert code == 0, err
    assert CANARY not in out + err


def test_secret_ids_are_namespaced_so_names_cannot_collide(tmp_path):
    """An admin named 'root' and a user named 'admin' used to share redis.admin's password."""
    from datastack.spec import load_spec_file

    spec = set_path(set_path(base_spec(tmp_path), f"{R}.admin.name", "root"), f"{R}.users.0.name", "admin")
    spec = set_path(spec, "services.apps.0.uses.redis", "admin")
    loaded = load_spec_file(write_spec(tmp_path, spec))
    ids = [i for i, _ in loaded.secret_refs()]
    assert len(ids) == len(set(ids)) and "redis.users.admin" in ids and "redis.admin" in ids


def test_an_app_gets_the_user_of_the_database_it_names(tmp_path):
    """Two MongoDB databases may each have a user called 'app'; `uses` picks the named database's."""
    from roles.mongodb.login import mongo_login
    from datastack.spec import load_spec_file

    spec = base_spec(tmp_path)
    spec["services"]["mongodb"]["databases"]["other"] = {"users": [{"name": "bot_core_app", "access": "app", "roles": ["readWrite"]}]}
    loaded = load_spec_file(write_spec(tmp_path, spec))
    secrets = {i: f"pw-{i}" for i, _ in loaded.secret_refs()}
    assert mongo_login(loaded, secrets, "bot_core_app", "other").password == "pw-mongodb.other.bot_core_app"
    assert mongo_login(loaded, secrets, "bot_core_app", "bot_core").password == "pw-mongodb.bot_core.bot_core_app"
