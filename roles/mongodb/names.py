"""MongoDB's names: databases, users and roles, and the ones the server keeps for itself."""

from __future__ import annotations

import re
from typing import Annotated

from datastack.spec.validators import LOWER, MIXED, named

MONGO_DATABASE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MONGO_USER = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
MONGO_ROLE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")

MONGO_RESERVED_DATABASES = frozenset({"admin", "local", "config"})
MONGO_RESERVED_USERS = frozenset({"__system"})

MongoDatabaseName = Annotated[str, named(MONGO_DATABASE, "MongoDB database name", LOWER, MONGO_RESERVED_DATABASES,
                                          ("system",))]
MongoUserName = Annotated[str, named(MONGO_USER, "MongoDB user name", MIXED, MONGO_RESERVED_USERS)]
MongoRoleName = Annotated[str, named(MONGO_ROLE, "MongoDB role name", MIXED)]
