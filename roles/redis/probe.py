"""Redis readiness: a raw PING, so no credentials are needed."""

from __future__ import annotations

import socket

from datastack.plan.model import Probe
from datastack.probes import NotReady
from datastack.tls import client_context


def redis_answers(probe: Probe, user: str | None = None, secret: str | None = None) -> None:
    # Raw RESP so readiness needs no credentials: NOAUTH is as good an answer as PONG.
    try:
        with socket.create_connection((probe.host, probe.port), timeout=1) as raw:
            sock = client_context(probe.tls_ca_file).wrap_socket(raw, server_hostname=probe.host) if probe.tls_ca_file else raw
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
    except OSError as exc:  # ssl.SSLError too
        raise NotReady(str(exc)) from None
    if not (reply.startswith(b"+PONG") or reply.startswith(b"-NOAUTH")):
        raise NotReady(reply.decode(errors="replace").strip() or "no reply")
