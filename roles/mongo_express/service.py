"""mongo-express: the MongoDB web admin, behind basic auth, bound to localhost unless declared."""

from __future__ import annotations

from datastack.services import Service

from .addresses import mongo_express_address
from .container import CONTAINER
from .plan import plan_mongo_express

SERVICE = Service(name="mongo_express", plan=plan_mongo_express, label="mongo-express",
                  address=mongo_express_address, container=CONTAINER)
