"""/health names the dependency that is down, never the driver's text (it can hold hosts, users, versions)."""

from __future__ import annotations

from app import health


def test_a_failed_probe_reports_the_dependency_not_the_driver_text(monkeypatch, capsys):
    def leaky(uri):
        raise ConnectionError('FATAL: password authentication failed for user "algo_trading_app" at 10.1.2.3:5432')

    monkeypatch.setitem(health.PROBES, "postgres", ("POSTGRES_URI", leaky))
    report = health.check_dependencies({"POSTGRES_URI": "postgresql://u:secret@h/db"})
    assert report["postgres"]["up"] is False
    text = str(report)
    assert "postgres" in report["postgres"]["error"]
    for leaked in ("algo_trading_app", "10.1.2.3", "FATAL", "secret"):
        assert leaked not in text
    assert "10.1.2.3" in capsys.readouterr().err  # the detail goes to the app's own log


def test_a_setting_is_read_from_the_file_its_FILE_variable_names(tmp_path):
    from app.health import setting

    secret = tmp_path / "mongodb_uri"
    secret.write_text("mongodb://u:p@mongodb-0:27017/bot_core\n")
    assert setting({"MONGODB_URI_FILE": str(secret), "MONGODB_URI": "ignored"}, "MONGODB_URI") == \
        "mongodb://u:p@mongodb-0:27017/bot_core"
    assert setting({"MONGODB_URI": "direct"}, "MONGODB_URI") == "direct"
    assert setting({}, "MONGODB_URI") is None


def test_an_instance_uri_is_probed_like_its_store_under_the_instance_name(monkeypatch, tmp_path):
    """uses.instances gives the app REDIS_QUEUE_URI (or its _FILE): /health reports redis-queue, probed as Redis."""
    probed = []
    monkeypatch.setitem(health.PROBES, "redis", ("REDIS_URI", lambda uri: probed.append(("redis", uri))))
    monkeypatch.setitem(health.PROBES, "postgres", ("POSTGRES_URI", lambda uri: probed.append(("postgres", uri))))
    uri_file = tmp_path / "uri"
    uri_file.write_text("postgresql://u:p@h/reports\n")
    report = health.check_dependencies({"REDIS_QUEUE_URI": "rediss://u:p@h:1/0",
                                        "POSTGRES_REPORTS_URI_FILE": str(uri_file), "MONGODB_DATABASE": "x"})
    assert set(report) == {"redis-queue", "postgres-reports"} and all(r["up"] for r in report.values())
    assert sorted(probed) == [("postgres", "postgresql://u:p@h/reports"), ("redis", "rediss://u:p@h:1/0")]
