"""One ComponentResource per role: MongoReplicaSet, Postgres, Redis, MongoExpress, App."""

from .app import App, AppArgs
from .mongo_express import MongoExpress, MongoExpressArgs
from .mongodb import MongoReplicaSet, MongoReplicaSetArgs
from .postgres import Postgres, PostgresArgs
from .redis import Redis, RedisArgs

__all__ = ["App", "AppArgs", "MongoExpress", "MongoExpressArgs", "MongoReplicaSet", "MongoReplicaSetArgs",
           "Postgres", "PostgresArgs", "Redis", "RedisArgs"]
