"""Every template renders hostile values inertly: parsed back by the format's own parser (YAML, TOML),
or read by the server itself (redis-server, postgres -C), no injected directive survives.

The spec refuses these values at load; these tests prove the templates would hold them anyway
(a state root with a space, a secret file's content, a field added later without a pattern).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
import tomllib
from pathlib import Path

import pytest
import yaml

from datastack.errors import UserError
from datastack.paths import TEMPLATES_DIR
from datastack.plan.escaping import all_filters
from datastack.plan.render import render_template
from datastack.programs import system_program
from tests.support.environments import free_port_block, reachable_tmpdir

INJECT = "\nloadmodule /tmp/evil.so\nenableLocalhostAuthBypass: true\nauth = false\n"
HOSTILE = ['plain', 'a b', 'quote " inside', "apostrophe ' inside", "back\\slash", "hash # and ; semi",
           "tab\tand\rreturn", "nl" + INJECT, "ü 😀 \u0085 \u2028 end", '"', "\\", "\\\"", "{{ x }}", ""]

# {{ }} expressions allowed without a filter: literal choices only.
LITERAL_CHOICE = re.compile(r'^"[a-z]+" if [a-z_]+ else "[a-z]+"$')


def test_every_expression_in_every_template_ends_in_an_escaping_filter():
    """Remove a filter from any template and this fails."""
    for template in TEMPLATES_DIR.rglob("*.j2"):
        for expr in re.findall(r"{{(.*?)}}", template.read_text()):
            expr = expr.strip()
            if LITERAL_CHOICE.match(expr):
                continue
            last = expr.rsplit("|", 1)
            assert len(last) == 2 and last[1].strip() in all_filters(), f"{template.name}: {{{{ {expr} }}}} has no escaping filter"


@pytest.mark.parametrize("value", [v for v in HOSTILE if v])
def test_mongod_conf_parses_back_to_the_same_values(value):
    text = render_template("mongodb/mongod.conf.j2", service="mongodb", port=27017, bind=value, data_dir=value,
                           log_file=value, keyfile=value, replica_set=value, socket_dir=value, cache_size_gb=0.25)
    parsed = yaml.safe_load(text)
    assert parsed["net"] == {"port": 27017, "bindIp": value, "unixDomainSocket": {"pathPrefix": value}}
    assert parsed["storage"] == {"dbPath": value, "wiredTiger": {"engineConfig": {"cacheSizeGB": 0.25}}}
    assert parsed["systemLog"]["path"] == value and parsed["security"]["keyFile"] == value
    assert parsed["replication"] == {"replSetName": value}
    assert set(parsed) == {"net", "storage", "systemLog", "security", "replication"}
    assert parsed["security"]["authorization"] == "enabled" and "setParameter" not in parsed


@pytest.mark.parametrize("size", ["0.5\nsetParameter: {}", float("nan"), True, None])
def test_mongod_cache_size_is_a_plain_number_or_refused(size):
    from datastack.errors import UserError

    with pytest.raises((UserError, Exception)) as refused:
        render_template("mongodb/mongod.conf.j2", service="mongodb", port=27017, bind="127.0.0.1", data_dir="/d",
                        log_file=None, keyfile=None, replica_set=None, socket_dir="/s", cache_size_gb=size)
    assert "number" in str(refused.value) or "None" in str(refused.value)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("auth", [True, False])
def test_standin_toml_parses_back_and_auth_stays_as_planned(value, auth):
    text = render_template("mongodb/secantusd.toml.j2", service="mongodb", bind=value, port=27017, data_dir=value,
                           auth=auth, cache_size=value)
    parsed = tomllib.loads(text)
    assert parsed["server"] == {"host": value, "port": 27017, "storage_path": value, "auth": auth,
                                "standalone": True, "log_level": "INFO"}
    assert parsed["storage"] == {"cache_size": value}


def test_app_env_is_one_line_per_key_and_refuses_a_newline():
    text = render_template("app/app.env.j2", service="app", environment={"A": 'x y "z" \\ # ;', "B": "2"})
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines == ['A=x y "z" \\ # ;', "B=2"]
    for bad in ({"A": "x" + INJECT}, {"A\nB": "1"}, {"lower": "1"}):
        with pytest.raises(UserError):
            render_template("app/app.env.j2", service="app", environment=bad)


def test_secret_files_refuse_a_second_line():
    assert render_template("containers/password.j2", password="p w'\"") == "p w'\"\n"
    with pytest.raises(UserError):
        render_template("containers/password.j2", password="pw\nsecond")
    with pytest.raises(UserError):
        render_template("mongodb/keyfile.j2", keyfile="short")
    with pytest.raises(UserError):
        render_template("mongodb/keyfile.j2", keyfile="a b" * 10)


def test_pg_hba_takes_networks_only():
    text = render_template("postgres/pg_hba.conf.j2", service="postgres", client_networks=["10.0.0.0/8", "samenet"])
    assert "host    all       all   10.0.0.0/8  scram-sha-256" in text
    for bad in ["0.0.0.0/0 trust\nhost all all 0.0.0.0/0", "all", "10.0.0.0/8 trust"]:
        with pytest.raises(UserError):
            render_template("postgres/pg_hba.conf.j2", service="postgres", client_networks=[bad])


# ---- PostgreSQL reads postgresql.conf back itself (postgres -C) -------------------------------------

PG_BIN = Path("/usr/lib/postgresql/15/bin/postgres")


def _postgres_reads(conf: str, names: list[str]) -> dict[str, str]:
    if not PG_BIN.exists():
        pytest.skip("PostgreSQL 15 is not installed")
    root = reachable_tmpdir("ds-pgconf-")
    try:
        (root / "postgresql.conf").write_text(conf)
        run_as = []
        if os.geteuid() == 0:  # postgres refuses to run as root
            shutil.chown(root, "postgres")
            run_as = ["/usr/sbin/runuser", "-u", "postgres", "--"]
        values = {}
        for name in names:
            done = subprocess.run([*run_as, str(PG_BIN), "-D", str(root), "-C", name], capture_output=True, text=True,
                                  timeout=30)
            assert done.returncode == 0, done.stderr
            values[name] = done.stdout.rstrip("\n")
        return values
    finally:
        shutil.rmtree(root, ignore_errors=True)


PG_INERT = ['/srv/a b', "/srv/it's", "/srv/back\\slash", '/srv/"q"', "/srv/x # y", "/srv/x = y"]


def test_postgresql_conf_is_read_back_by_postgres_with_the_same_values():
    for value in PG_INERT:
        conf = render_template("postgres/postgresql.conf.j2", service="postgres", bind="127.0.0.1", port=5999,
                               socket_dir=value, hba_file=value, log_file=None, settings={"work_mem": "4MB"})
        got = _postgres_reads(conf, ["hba_file", "unix_socket_directories", "listen_addresses", "password_encryption"])
        assert got == {"hba_file": value, "unix_socket_directories": value, "listen_addresses": "127.0.0.1",
                       "password_encryption": "scram-sha-256"}


def test_postgresql_conf_refuses_what_it_cannot_hold_and_keeps_its_own_settings_last():
    for bad in ["/srv/x\nhba_file = '/tmp/evil'", "/srv/x\r", "/srv/\x00"]:
        with pytest.raises(UserError):
            render_template("postgres/postgresql.conf.j2", service="postgres", bind="127.0.0.1", port=5999,
                            socket_dir=bad, hba_file="/h", log_file=None, settings={})
    with pytest.raises(UserError):
        render_template("postgres/postgresql.conf.j2", service="postgres", bind="127.0.0.1", port=5999,
                        socket_dir="/s", hba_file="/h", log_file=None, settings={"x = 1\nhba_file": "y"})
    # Even a setting that slipped past the allow-list cannot win: datastack's own lines come last.
    conf = render_template("postgres/postgresql.conf.j2", service="postgres", bind="127.0.0.1", port=5999,
                           socket_dir="/s", hba_file="/h", log_file=None,
                           settings={"hba_file": "/tmp/evil", "password_encryption": "md5", "listen_addresses": "*"})
    got = _postgres_reads(conf, ["hba_file", "password_encryption", "listen_addresses"])
    assert got == {"hba_file": "/h", "password_encryption": "scram-sha-256", "listen_addresses": "127.0.0.1"}


# ---- redis-server reads redis.conf and the ACL file back itself ------------------------------------

class AclLine:
    def __init__(self, name, keys, channels, commands, password="pw"):
        self.name, self.keys, self.channels, self.commands = name, keys, channels, commands
        self.password_sha256 = hashlib.sha256(password.encode()).hexdigest()


def _redis_reads(data_dir: Path, users: list[AclLine]):
    import redis

    binary = system_program("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    root = reachable_tmpdir("ds-redisconf-")
    port = free_port_block(1)
    data_dir = root / data_dir
    data_dir.mkdir(parents=True)
    acl = root / "users.acl"
    acl.write_text(render_template("redis/users.acl.j2", service="redis", users=users))
    conf = root / "redis.conf"
    conf.write_text(render_template(
        "redis/redis.conf.j2", service="redis", bind="127.0.0.1", port=port, protected_mode=True, data_dir=str(data_dir),
        log_file=str(data_dir / "redis.log"), acl_file=str(acl), databases=16, maxmemory="0",
        maxmemory_policy="noeviction", save_rules=[], aof=False))
    server = subprocess.Popen([binary, str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, username=users[0].name, password="pw", socket_timeout=5)
        deadline = time.monotonic() + 15
        while True:
            if server.poll() is not None:
                return None, None, server.stdout.read().decode(errors="replace")
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        config = {k: client.config_get(k)[k] for k in ("dir", "logfile", "aclfile", "bind", "loadmodule")
                  if client.config_get(k)}
        acl_list = [line for line in client.acl_list()]
        client.close()
        return config, acl_list, ""
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(root, ignore_errors=True)


def test_redis_reads_hostile_paths_and_patterns_back_exactly():
    weird_dir = Path('d i"r \' \\ #x\nloadmodule /tmp/evil.so')
    users = [AclLine("admin", ["*"], ["*"], ["+@all"]),
             AclLine("app", ['app:"quoted"', "a#b", "x;y"], ["ch:*"], ["+@read", "-flushall"])]
    config, acl_list, output = _redis_reads(weird_dir, users)
    assert config is not None, output
    assert config["dir"].endswith(str(weird_dir)) and "loadmodule" not in config
    assert config["bind"] == "127.0.0.1"
    names = [line.split()[1] for line in acl_list]
    assert names == ["admin", "app", "default"]
    app = next(line for line in acl_list if line.split()[1] == "app")
    assert '~app:"quoted"' in app and "~a#b" in app and "~x;y" in app and "&ch:*" in app
    default = next(line for line in acl_list if line.split()[1] == "default")
    assert " off " in f" {default} " and "nopass" not in default


@pytest.mark.parametrize("name", [
    "admin\nuser backdoor on nopass ~* &* +@all\nuser x",
    'admin" on nopass ~* +@all "x',
    "admin on nopass ~* +@all",
])
def test_an_injected_acl_user_is_refused_at_render(name):
    """The ACL file has no quoting (Redis splits its lines on spaces): a word with a space cannot be written."""
    users = [AclLine("admin", ["*"], ["*"], ["+@all"]), AclLine(name, ["*"], [], ["+@read"])]
    with pytest.raises(UserError):
        render_template("redis/users.acl.j2", service="redis", users=users)
    with pytest.raises(UserError):
        render_template("redis/users.acl.j2", service="redis", users=[AclLine("admin", ["a b"], [], ["+@all"])])


def test_a_refused_value_is_never_echoed():
    """The value may be a secret or a URI carrying a password: the message gives the position and code point only."""
    from datastack.plan.escaping import UnsafeValue, plain

    with pytest.raises(UnsafeValue) as refused:
        plain("rediss://web:SuperSecretPw123@cache.example.net/0?x=\x01", "environment value")
    assert "SuperSecret" not in str(refused.value) and "U+0001 at position 52" in str(refused.value)
