"""Redis' file formats: redis.conf arguments and ACL file words."""

from __future__ import annotations

from datastack.plan.escaping import UnsafeValue, plain


def redis_arg(value: object) -> str:
    """One argument of a redis.conf / ACL file line (read by sdssplitargs): always double-quoted,
    with \\, " and non-printable bytes escaped as \\xHH, so a space or a newline stays inside it."""
    if value is None:
        raise UnsafeValue("no value (None) to render")
    out = []
    for byte in str(value).encode("utf-8"):
        ch = chr(byte)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif byte < 0x20 or byte >= 0x7F:
            out.append(f"\\x{byte:02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def acl_word(value: object) -> str:
    """One word of a Redis ACL file line. Redis splits those lines on spaces with no quoting at all,
    so a word that holds a space, a control character or nothing cannot be written: refused."""
    text = plain(value, "ACL word")
    if not text or any(ch.isspace() or not ch.isprintable() for ch in text):
        raise UnsafeValue(f"an ACL word cannot be empty or hold spaces: {text[:40]!r}")
    return text


TEMPLATE_FILTERS = {"redis_arg": redis_arg, "acl_word": acl_word}
