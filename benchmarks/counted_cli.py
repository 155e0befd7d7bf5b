"""Run the datastack CLI in this process and write its server requests per store to a JSON file.

    python benchmarks/counted_cli.py OUT.json migrate --spec FILE ...

MongoDB: every command pymongo sends (command monitoring, handshakes and authentication included).
PostgreSQL: every statement psycopg sends (Cursor.execute, which Connection.execute calls; executemany per row).
Imports pymongo and psycopg up front, so its wall time is not the command's: time it uninstrumented.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

counts: Counter[str] = Counter()


def instrument() -> None:
    from pymongo import monitoring

    class Listener(monitoring.CommandListener):
        def started(self, event):
            counts["mongodb"] += 1

        def succeeded(self, event):
            pass

        def failed(self, event):
            pass

    monitoring.register(Listener())
    import psycopg

    def counting(method, per_call=lambda *a, **k: 1):
        def wrapper(self, *args, **kwargs):
            counts["postgres"] += per_call(*args, **kwargs)
            return method(self, *args, **kwargs)
        return wrapper

    psycopg.Cursor.execute = counting(psycopg.Cursor.execute)
    psycopg.Cursor.executemany = counting(psycopg.Cursor.executemany, lambda query, params, **k: len(list(params)) or 1)


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    instrument()
    from datastack.cli import app

    code = 0
    try:
        app(args)
    except SystemExit as done:
        code = done.code or 0
    finally:
        with open(out, "w") as fh:
            json.dump(dict(counts), fh)
    sys.exit(code)


if __name__ == "__main__":
    main()
