"""HTTP entry point: GET /health answers 200 when every configured dependency is up, else 503."""

from __future__ import annotations

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .health import check_dependencies


class HealthHandler(BaseHTTPRequestHandler):
    server_version = "datastack-reference-app/1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.rstrip("/") != "/health":
            self._send(404, {"error": "not found", "try": "/health"})
            return
        deps = check_dependencies()
        healthy = all(d["up"] for d in deps.values())
        self._send(200 if healthy else 503, {"status": "ok" if healthy else "degraded", "dependencies": deps})

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:  # one line per request, no query strings with secrets
        print(f"{self.address_string()} {self.command} {self.path.split('?')[0]} -> {args[1] if len(args) > 1 else ''}", flush=True)


def main() -> None:
    bind = os.environ.get("APP_BIND", "127.0.0.1")
    port = int(os.environ.get("APP_PORT", "8080"))
    server = ThreadingHTTPServer((bind, port), HealthHandler)
    print(f"reference app {os.environ.get('APP_NAME', '')} listening on {bind}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
