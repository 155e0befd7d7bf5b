"""MongoDB readiness: a ping over a direct connection (no credentials needed)."""

from __future__ import annotations

from datastack.plan.model import Probe
from datastack.probes import NotReady


def mongo_ping(probe: Probe, user: str | None = None, secret: str | None = None) -> None:
    import pymongo
    from pymongo.errors import PyMongoError

    from .exit_wait import skip_exit_join_when_all_closed

    skip_exit_join_when_all_closed()
    tls = dict(tls=True, tlsCAFile=probe.tls_ca_file) if probe.tls_ca_file else {}
    client = pymongo.MongoClient(host=probe.host, port=probe.port, directConnection=True,
                                 serverSelectionTimeoutMS=1000, connectTimeoutMS=1000, **tls)
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        raise NotReady(str(exc).split(",")[0]) from None
    finally:
        client.close()
