"""Redis in `datastack diff`: ACL rules per user with every password and hash removed, and the policy settings."""

from __future__ import annotations

from typing import Any

from datastack.diff.compare import Difference, keyed
from datastack.errors import RuntimeFailure
from .login import redis_login, redis_uri

# Settings that are policy (the same in staging and prod by intent); ports, dirs and files are not.
REDIS_SETTINGS = ("maxmemory", "maxmemory-policy", "appendonly", "appendfsync", "save", "protected-mode", "timeout",
                  "tcp-keepalive", "databases", "maxclients", "notify-keyspace-events", "lazyfree-lazy-eviction")


def redis_snapshot(spec, endpoints, secrets) -> dict[str, Any]:
    import redis

    client = redis.Redis.from_url(redis_uri(endpoints, redis_login(spec, secrets)), decode_responses=True, socket_timeout=5)
    try:
        acl = {}
        for line in client.execute_command("ACL", "LIST"):
            words = line.split()
            # 'user NAME on #hash ~keys ...': hashes (#...) and passwords (>...) differ per environment by design.
            # Redis describes rules from its compiled state, each command once, but in an order that depends on
            # how the user was written (ACL file vs ACL SETUSER): the sorted rules are what compares.
            acl[words[1]] = " ".join(sorted(w for w in words[2:] if not w.startswith(("#", ">", "<", "!"))))
        config = {key: client.config_get(key).get(key) for key in REDIS_SETTINGS}
        return {"acl": acl, "config": {k: v for k, v in config.items() if v is not None}}
    except redis.RedisError as exc:
        raise RuntimeFailure(f"redis of {spec.name}: {str(exc).splitlines()[0][:200]}", fix=f"is it up? 'datastack status {spec.selector}'") from None
    finally:
        client.close()


def compare_redis(a: dict, b: dict, out: list[Difference]) -> None:
    keyed("redis", "", a["acl"], b["acl"], "ACL user", out)
    keyed("redis", "", a["config"], b["config"], "config", out)
