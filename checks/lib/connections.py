"""Bounded connections to the stores, one per (service, user), and fail-fast once a service is down.

The first check that finds a service unreachable waits at most `checks.timeout_s`; every later
check of that service fails at once with the same message, so a dead service costs one timeout.
Drivers are imported here, lazily, so collecting the suite stays fast.
"""

from __future__ import annotations

import pytest

from datastack.credentials import Login
from roles.mongodb.login import mongo_uri
from roles.postgres.login import postgres_uri
from roles.redis.login import redis_uri

from .target import Target


class Connections:
    def __init__(self, target: Target):
        self.target = target
        self.timeout_s = target.spec.checks.timeout_s
        self._open: dict[tuple, object] = {}
        self._down: dict[str, str] = {}
        self._memo: dict[tuple, tuple[bool, object]] = {}

    # ---- fail fast ----------------------------------------------------------------------
    def _fail_if_down(self, service: str) -> None:
        if service in self._down:
            pytest.fail(self._down[service], pytrace=False)

    def _mark_down(self, service: str, where: str, reason: str) -> None:
        if any(key[0] == service for key in self._open):
            # It answered earlier in this run: a new login timing out now is the same hang a live connection
            # would report, so every check of it fails with the one same cause whichever met it first.
            self._down[service] = _stopped_answering(service, where, reason, self.target)
        else:
            self._down[service] = (f"{service} at {where} is unreachable: {reason} (waited at most {self.timeout_s:g} s) "
                                   f"— fix: start it with '{self.target.up_fix}' and look at '{self.target.command('status')}'")
        pytest.fail(self._down[service], pytrace=False)

    def stopped_answering(self, exc: BaseException) -> str | None:
        """When `exc` is a driver timing out or losing a server mid-check: mark that service down, so every
        later check of it fails at once, and return the one-line failure. None for any other error."""
        service = _lost_service(exc)
        if service is None:
            return None
        ep = self.target.endpoints
        where = {"mongodb": lambda: ep.mongodb.where(), "postgres": lambda: ep.postgres.where(),
                 "redis": lambda: ep.redis.where()}[service]()
        self._down[service] = _stopped_answering(service, where, _first_line(exc), self.target)
        return self._down[service]

    def is_down(self, service: str) -> bool:
        return service in self._down

    def memo(self, key: tuple, read):
        """Read live state once per run; a failed read fails every check that needs it, with its message."""
        if key not in self._memo:
            try:
                self._memo[key] = (True, read())
            except pytest.fail.Exception as exc:
                self._memo[key] = (False, str(exc))
        ok, value = self._memo[key]
        if not ok:
            pytest.fail(value, pytrace=False)
        return value

    # ---- MongoDB ------------------------------------------------------------------------
    def mongo(self, login: Login):
        key = ("mongodb", login.user, login.password)
        self._fail_if_down("mongodb")
        if key not in self._open:
            self._open[key] = self.open_mongo(login)
        return self._open[key]

    def open_mongo(self, login: Login, *, verify: bool = True):
        """A new client (not cached); `verify` pings so auth and reachability fail here."""
        from pymongo import MongoClient
        from pymongo.errors import ConnectionFailure, OperationFailure

        from roles.mongodb.exit_wait import skip_exit_join_when_all_closed

        skip_exit_join_when_all_closed()
        ms = int(self.timeout_s * 1000)
        client = MongoClient(mongo_uri(self.target.endpoints, login, timeout_ms=ms), connectTimeoutMS=ms,
                             socketTimeoutMS=ms * 3, appname="datastack-check")
        if not verify:
            return client
        try:
            client.admin.command("ping")
            return client
        except OperationFailure as exc:
            refused, down = _mongo_reason(exc), None
        except ConnectionFailure as exc:
            refused, down = None, _first_line(exc)
        client.close()  # failures are raised outside the except blocks: one line in the report, no chain
        if refused:
            pytest.fail(f"mongodb refused the login of {login.user}: {refused} "
                        f"— fix: '{self.target.up_fix}' resets passwords to the spec's secrets", pytrace=False)
        self._mark_down("mongodb", self.target.endpoints.mongodb.where(), down)

    # ---- PostgreSQL ---------------------------------------------------------------------
    def postgres(self, login: Login, database: str | None = None):
        db = database or login.database
        key = ("postgres", login.user, db)
        self._fail_if_down("postgres")
        conn = self._open.get(key)
        if conn is None or conn.closed:
            conn = self._open[key] = self.open_postgres(login, db)
        return conn

    def open_postgres(self, login: Login, database: str | None = None):
        import psycopg

        ep = self.target.endpoints.postgres
        uri = postgres_uri(self.target.endpoints, login, database, timeout_s=max(1, round(self.timeout_s)))
        try:
            return psycopg.connect(uri, autocommit=True, options=f"-c statement_timeout={int(self.timeout_s * 1000)}")
        except psycopg.OperationalError as exc:
            reason = _first_line(exc)
        if "password authentication failed" in reason or "does not exist" in reason or "permission denied" in reason:
            pytest.fail(f"postgres refused {login.user} on database {database or login.database}: {reason} "
                        f"— fix: '{self.target.fix}'", pytrace=False)
        self._mark_down("postgres", ep.where(), reason)

    # ---- Redis --------------------------------------------------------------------------
    def redis(self, login: Login):
        key = ("redis", login.user, login.password)
        self._fail_if_down("redis")
        if key not in self._open:
            self._open[key] = self.open_redis(login)
        return self._open[key]

    def open_redis(self, login: Login):
        import redis

        client = redis.Redis.from_url(redis_uri(self.target.endpoints, login), socket_timeout=self.timeout_s,
                                      socket_connect_timeout=self.timeout_s, decode_responses=True)
        ep = self.target.endpoints.redis
        try:
            client.ping()
            return client
        except redis.AuthenticationError as exc:
            refused, down = str(exc), None
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            refused, down = None, _first_line(exc)
        client.close()
        if refused:
            pytest.fail(f"redis refused the login of {login.user}: {refused} — fix: '{self.target.up_fix}' rewrites the ACL file",
                        pytrace=False)
        self._mark_down("redis", ep.where(), down)

    def close_all(self) -> None:
        for conn in self._open.values():
            try:
                conn.close()
            except Exception:  # closing is best effort at the end of a run
                pass
        self._open.clear()


def _stopped_answering(service: str, where: str, reason: str, target: Target) -> str:
    return (f"{service} at {where} stopped answering during the check: {reason} "
            f"— fix: look at '{target.command('status')}' and '{target.command('logs')} {service}'; a hung server needs a restart")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[-1] if text else type(exc).__name__).split(", Timeout:")[0][:300]


def _mongo_reason(exc) -> str:
    details = getattr(exc, "details", None) or {}
    return str(details.get("errmsg") or exc).splitlines()[0][:200]


def _lost_service(exc: BaseException) -> str | None:
    """Which store a timeout or dropped connection came from (drivers imported only if already loaded)."""
    import sys

    pymongo_errors, psycopg, redis = (sys.modules.get(m) for m in ("pymongo.errors", "psycopg", "redis"))
    if pymongo_errors and isinstance(exc, pymongo_errors.AutoReconnect):  # NetworkTimeout, ServerSelectionTimeoutError
        return "mongodb"
    if psycopg and isinstance(exc, psycopg.OperationalError):  # statement_timeout, lost connection
        return "postgres"
    if redis and isinstance(exc, (redis.ConnectionError, redis.TimeoutError)):
        return "redis"
    return None
