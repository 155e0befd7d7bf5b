"""Redis ACL command rules as the set of commands they allow, so declared and live rules compare by effect.

Redis rewrites rules (`+@read -@dangerous` comes back as `-@all +@read -keys ...`), so strings never
compare; the sets of (sub)commands they allow do. Category membership comes from the live server's
COMMAND table, which is exactly what Redis itself applies.
"""

from __future__ import annotations


def command_table(client) -> dict[str, set[str]]:
    """leaf command ('get', 'config|get') -> its ACL categories (without '@')."""
    table = {}
    for name, info in client.command().items():
        subs = info.get("subcommands") or []
        if not subs:
            table[name] = {c.lstrip("@") for c in info.get("acl_categories", [])}
        for sub in subs:
            table[str(sub[0])] = {str(c).lstrip("@") for c in sub[6]}
    return table


def allowed_commands(rules: list[str], table: dict[str, set[str]]) -> set[str]:
    allowed: set[str] = set()
    for rule in (r.lower() for r in rules):
        if rule in ("allcommands", "+@all"):
            allowed = set(table)
            continue
        if rule in ("nocommands", "-@all"):
            allowed = set()
            continue
        if rule[:1] not in "+-" or len(rule) < 2:
            continue
        sign, body = rule[0], rule[1:]
        if body.startswith("@"):
            chosen = {c for c, cats in table.items() if body[1:] in cats}
        elif body in table:
            chosen = {body}
        else:
            chosen = {c for c in table if c.startswith(body + "|")} or {body}  # first-arg rules stay literal
        allowed = allowed | chosen if sign == "+" else allowed - chosen
    return allowed


def describe(commands: set[str], table: dict[str, set[str]] | None = None, limit: int = 8) -> str:
    """Whole categories first ('@write'), then the commands they do not explain."""
    whole = []
    if table:
        for category in sorted({c for cats in table.values() for c in cats}):
            members = {c for c, cats in table.items() if category in cats}
            if members and members <= commands and category not in ("fast", "slow"):
                whole.append(category)
        whole = [c for c in whole if not any(c != o and _members(table, c) < _members(table, o) for o in whole)]
    rest = sorted(commands - set().union(*(_members(table, c) for c in whole))) if whole else sorted(commands)
    parts = [f"@{c}" for c in whole] + rest[:limit]
    more = len(rest) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def _members(table: dict[str, set[str]], category: str) -> set[str]:
    return {c for c, cats in table.items() if category in cats}


def parse_acl_list(lines: list[str]) -> dict[str, dict]:
    """ACL LIST lines -> user -> {flags, passwords, keys, channels, rules}; rule order kept (it matters)."""
    users = {}
    for line in lines:
        tokens = line.split()
        if len(tokens) < 2 or tokens[0] != "user":
            continue
        entry = {"flags": [], "passwords": set(), "keys": set(), "channels": set(), "rules": []}
        for token in tokens[2:]:
            low = token.lower()
            if low in ("on", "off", "nopass", "sanitize-payload", "skip-sanitize-payload"):
                entry["flags"].append(low)
            elif token.startswith("#"):
                entry["passwords"].add(token[1:])
            elif token.startswith("~") or token.startswith("%"):
                entry["keys"].add(token)
            elif low == "allkeys":
                entry["keys"].add("~*")
            elif token.startswith("&"):
                entry["channels"].add(token)
            elif low == "allchannels":
                entry["channels"].add("&*")
            elif low in ("resetchannels", "resetkeys"):
                continue
            else:
                entry["rules"].append(token)
        users[tokens[1]] = entry
    return users
