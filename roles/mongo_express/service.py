"""mongo-express: the MongoDB web admin, behind basic auth, bound to localhost unless declared."""

from __future__ import annotations

from datastack.services import Service

from .plan import plan_mongo_express

SERVICE = Service(name="mongo_express", plan=plan_mongo_express, label="mongo-express")
