"""Redis' names: ACL users, and the one the server keeps for itself."""

from __future__ import annotations

import re
from typing import Annotated

from datastack.spec.validators import MIXED, named

REDIS_USER = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
REDIS_RESERVED_USERS = frozenset({"default"})

RedisUserName = Annotated[str, named(REDIS_USER, "Redis user name", MIXED, REDIS_RESERVED_USERS)]
