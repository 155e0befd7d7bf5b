"""Redis 7.0's ACL rule grammar, checked in Python so a rule Redis would reject fails at spec load.

Each function returns why Redis would refuse the value, or None when Redis accepts it; the
verdicts are compared with a real redis-server in tests/integration/migrate_redis.
"""

from __future__ import annotations

from .redis70 import CATEGORIES, COMMANDS, PRIVILEGED_COMMANDS, READONLY_CATEGORIES, SUBCOMMANDS, WRITE_COMMANDS

# Rules that are valid ACL SETUSER modifiers but belong to other spec fields.
_NOT_COMMAND_RULES = {
    "on", "off", "nopass", "resetpass", "reset", "allkeys", "resetkeys",
    "allchannels", "resetchannels", "clearselectors",
}
_CONTAINERS = frozenset(name.partition("|")[0] for name in SUBCOMMANDS)


def command_rule_problem(rule: str) -> str | None:
    """Why Redis 7.0 would reject `rule` as a command rule ('+@read', '-flushall', '+config|get')."""
    low = rule.lower()
    if low in ("allcommands", "nocommands"):
        return None
    if any(ch.isspace() for ch in rule):
        return "a rule is one word without spaces; write each rule as its own list item"
    if low in _NOT_COMMAND_RULES or low[:1] in ("~", "&", ">", "<", "#", "%", "("):
        return "not a command rule; key patterns go in keys, channels in channels, passwords in password"
    if low[:1] not in ("+", "-") or len(low) < 2:
        return "a command rule starts with + or - (for example +@read, -flushall, +config|get)"
    sign, body = low[0], low[1:]
    if body.startswith("@"):
        category = body[1:]
        if category == "all" or category in CATEGORIES:
            return None
        return f"unknown ACL category @{category}; known: @all, {', '.join('@' + c for c in sorted(CATEGORIES))}"
    command, bar, arg = body.partition("|")
    if command not in COMMANDS:
        return f"unknown Redis 7.0 command {command!r}"
    if not bar:
        return None
    if not arg or "|" in arg:
        return "Redis allows one level below a command: command|subcommand or command|first-arg"
    if command in _CONTAINERS:
        return None if body in SUBCOMMANDS else f"{command} has no subcommand {arg!r}"
    if sign == "-":
        return f"Redis 7.0 cannot deny a first argument ({rule}); deny the whole command instead"
    return None


def pattern_problem(pattern: str, prefix: str) -> str | None:
    """Why a key ('~') or channel ('&') pattern would break the ACL rule or the ACL file."""
    if not pattern:
        return "empty pattern; use '*' for everything"
    if pattern.startswith(prefix) or pattern.startswith("%"):
        return f"write the bare pattern without {prefix!r} or '%R~'/'%W~' (datastack adds the prefix)"
    if any(ch.isspace() for ch in pattern):
        return "a pattern cannot contain spaces (the ACL file is space separated)"
    if any(ch in "\"'" or not ch.isprintable() for ch in pattern):
        return "a pattern cannot contain quotes or control characters (the ACL file would read them as syntax)"
    if len(pattern) > 256:
        return "a pattern is at most 256 characters"
    return None


def grants_write(commands: list[str]) -> bool:
    """True when the rules end up allowing writes in bulk (for checking read-only users)."""
    allowed = False
    for rule in (c.lower() for c in commands):
        if rule in ("+@all", "+@write", "allcommands"):
            allowed = True
        elif rule in ("-@all", "-@write", "nocommands"):
            allowed = False
    return allowed


def readonly_rule_problem(commands: list[str]) -> str | None:
    """Why `commands` would let a read-only user write or administer, or None.

    Denials are always fine. '+@all' (or allcommands) is allowed only when -@write, -@admin and
    -@dangerous follow it; any other grant must be a read-only category or a command that neither
    writes nor administers ('+set', '+del', '+flushall', '+@string', '+config' are refused).
    """
    lowered = [c.lower() for c in commands]
    for i, rule in enumerate(lowered):
        if rule.startswith("-") or rule == "nocommands":
            continue
        if rule in ("+@all", "allcommands"):
            later = set(lowered[i + 1:])
            missing = [d for d in ("-@write", "-@admin", "-@dangerous") if d not in later and "-@all" not in later]
            if missing:
                return f"{commands[i]} without {', '.join(missing)} after it lets a read-only user write"
            continue
        body = rule[1:]
        if body.startswith("@"):
            if body[1:] not in READONLY_CATEGORIES:
                return f"{commands[i]} holds write or admin commands; a read-only user may have +@read (and +@transaction)"
            continue
        command = body.partition("|")[0]
        if body in WRITE_COMMANDS or command in WRITE_COMMANDS or command in PRIVILEGED_COMMANDS:
            return f"{commands[i]} writes or administers; a read-only user may only read"
    return None
