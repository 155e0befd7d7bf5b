"""The cache's check: each user reads and writes its own keys, is refused elsewhere, and a wrong password fails."""

from __future__ import annotations


def check_cache(spec, secrets: dict[str, str]) -> list[str]:
    """Problems found ([] when the cache is as declared)."""
    import redis

    cache = spec.services.cache
    problems = []
    for user in cache.users:
        client = redis.Redis(host="127.0.0.1", port=cache.port, username=user.name,
                             password=secrets[cache.user_secret_id(user.name)], decode_responses=True)
        try:
            key = user.keys[0].replace("*", "probe")
            try:
                client.set(key, "1")
            except redis.AuthenticationError:
                problems.append(f"cache user {user.name} cannot log in with its declared password")
                continue
            if client.get(key) != "1":
                problems.append(f"cache user {user.name} cannot read back {key}")
            try:
                client.set("elsewhere:probe", "1")
                problems.append(f"cache user {user.name} may write outside {user.keys}")
            except redis.exceptions.NoPermissionError:
                pass
        finally:
            client.close()
        wrong = redis.Redis(host="127.0.0.1", port=cache.port, username=user.name, password="not-the-password")
        try:
            wrong.ping()
            problems.append(f"cache user {user.name} logs in with a wrong password")
        except redis.AuthenticationError:
            pass
        finally:
            wrong.close()
    return problems
