"""mongo-express: the MongoDB web admin, behind basic auth, bound to localhost unless declared."""

from __future__ import annotations

from datastack.services import Service, lazy

from .addresses import mongo_express_address
from .container import BASE_PACKAGES, CONTAINER, IMAGE_RECIPES
from .local_build import find_mongo_express_programs
from .plan import plan_mongo_express
from .spec import MongoExpressSpec

SERVICE = Service(name="mongo_express", plan=plan_mongo_express, label="mongo-express", spec_model=MongoExpressSpec,
                  address=mongo_express_address, container=CONTAINER,
                  image_recipes=IMAGE_RECIPES, base_packages=BASE_PACKAGES,
                  find_programs=find_mongo_express_programs, install_hints={"node": "install it: apt-get install nodejs"},
                  prepare_local=lazy("roles.mongo_express.local_build", "ensure_mongo_express"))
