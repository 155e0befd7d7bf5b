"""Bad input and failures of `up`: one line, the right exit code, nothing left half-started."""

from __future__ import annotations

import json
import socket

import psycopg
import pytest

from tests.support.environments import create_environment

pytestmark = pytest.mark.integration


def only(services: tuple[str, ...]):
    def mutate(data):
        for key in list(data["services"]):
            if key not in services:
                del data["services"][key]
    return mutate


def test_port_taken_is_refused_before_anything_starts():
    env = create_environment(mutate=only(("postgres", "redis")), up=False)
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", env.spec.services.redis.port))
        holder.listen()
        done = env.cli("up", check=False)
        assert done.returncode == 2
        assert f"port {env.spec.services.redis.port} (redis) is already in use" in done.stderr
        assert "fix:" in done.stderr and "Traceback" not in done.stderr
        status = env.cli("status", "--json", check=False)
        states = {s["name"]: s["state"] for s in json.loads(status.stdout)["services"]}
        assert set(states.values()) == {"stopped"} and status.returncode == 1
    finally:
        holder.close()
        env.destroy()


def test_a_service_failing_to_start_stops_what_this_up_started():
    def broken_postgres(data):
        only(("mongodb", "postgres"))(data)
        data["services"]["postgres"]["settings"] = {"shared_buffers": "lots"}  # postgres refuses this at start-up

    env = create_environment(mutate=broken_postgres, up=False)
    try:
        done = env.cli("up", check=False)
        assert done.returncode == 1
        assert "mongodb: ready" in done.stderr  # started first by this up...
        assert "postgres exited during start-up" in done.stderr and "Traceback" not in done.stderr
        states = {s["name"]: s["state"] for s in json.loads(env.cli("status", "--json", check=False).stdout)["services"]}
        assert states == {"mongodb": "stopped", "postgres": "stopped"}  # ...and stopped again
    finally:
        env.destroy()


def test_unresolvable_secret_reference_exits_2_naming_the_variable():
    def env_secret(data):
        only(("redis",))(data)
        data["services"]["redis"]["admin"] = {"name": "admin", "password": "${env:DATASTACK_TEST_UNSET_SECRET}"}

    env = create_environment(mutate=env_secret, up=False)
    try:
        done = env.cli("up", check=False)
        assert done.returncode == 2
        assert "DATASTACK_TEST_UNSET_SECRET is not set" in done.stderr
    finally:
        env.destroy()


def test_down_keeps_data_and_purge_removes_state():
    env = create_environment(mutate=only(("postgres",)))
    try:
        with psycopg.connect(env.uri("postgres")) as conn:
            conn.execute("CREATE TABLE kept (v int)")
            conn.execute("INSERT INTO kept VALUES (42)")
        env.cli("down")
        env.cli("up")
        with psycopg.connect(env.uri("postgres")) as conn:
            assert conn.execute("SELECT v FROM kept").fetchone() == (42,)
        env.cli("down", "--purge")
        assert not (env.root / "state").exists()
    finally:
        env.destroy()
