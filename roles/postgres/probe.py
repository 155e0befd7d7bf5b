"""PostgreSQL readiness: a login; wrong credentials still prove the server accepts connections."""

from __future__ import annotations

from datastack.plan.model import Probe
from datastack.probes import NotReady


def postgres_ready(probe: Probe, user: str | None = None, secret: str | None = None) -> None:
    import psycopg

    tls = dict(sslmode="verify-full", sslrootcert=probe.tls_ca_file) if probe.tls_ca_file else {}
    try:
        psycopg.connect(host=probe.host, port=probe.port, user=user or "postgres", password=secret or "",
                        dbname="postgres", connect_timeout=2, **tls).close()
    except psycopg.OperationalError as exc:
        message = str(exc)
        # Wrong credentials still prove the server accepts connections; "starting up" does not.
        if "password authentication failed" in message:
            return
        raise NotReady(message.strip().splitlines()[-1]) from None
