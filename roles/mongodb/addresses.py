"""Where MongoDB answers: every member's host:port and the set name, or one node (stand-in, standalone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, MongoEndpoint
from datastack.plan.addresses import AddressScope
from datastack.tls import ca_file_inside, client_ca_file, given_ca_file

from .container import INNER_PORT, mongo_member_names, mongo_uses_standin

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec

    from .spec import MongoSpec


def mongodb_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    mongo = spec.services.mongodb
    if mongo.external is not None:
        endpoints.mongodb = external_endpoint(mongo)  # the same from every engine and every side
        return
    if scope.inside:
        standin = mongo_uses_standin(spec)
        names = mongo_member_names(spec, standin)
        single = len(names) == 1 and mongo.topology == "standalone" or standin
        endpoints.mongodb = MongoEndpoint(hosts=[f"{n}:{INNER_PORT}" for n in names],
                                          replica_set=None if single else mongo.replica_set_name,
                                          tls_ca_file=ca_file_inside("mongodb", mongo.tls))
        return
    single = scope.stand_in or mongo.topology == "standalone"
    ports = mongo.ports[:1] if scope.stand_in else mongo.ports
    endpoints.mongodb = MongoEndpoint(hosts=[f"{scope.host}:{p}" for p in ports],
                                      replica_set=None if single else mongo.replica_set_name, stand_in=scope.stand_in,
                                      tls_ca_file=client_ca_file(spec, mongo.tls))


def external_endpoint(mongo: MongoSpec) -> MongoEndpoint:
    """Where an external MongoDB answers, as declared: the one place its endpoint is built, with the CA its `tls:`
    names (given by a URI reference, TLS settings come with the URI)."""
    ext = mongo.external
    if ext.uri is not None:
        return MongoEndpoint(hosts=[], external=True, uri_secret_id=mongo.external_uri_secret_id)
    return MongoEndpoint(hosts=list(ext.hosts), replica_set=ext.replica_set, external=True,
                         tls_ca_file=given_ca_file(mongo.tls))


def mongodb_in_containers(endpoints: Endpoints, by_role: dict[str, str], by_service: dict[str, str]) -> None:
    if endpoints.mongodb is None or endpoints.mongodb.external or "mongodb" not in by_role:
        return
    endpoints.mongodb.testinfra_host = f"docker://{by_role['mongodb']}"
    if endpoints.mongodb.replica_set:
        # Members announce their network names, which this machine cannot resolve: talk to the first directly.
        endpoints.mongodb.hosts, endpoints.mongodb.replica_set = endpoints.mongodb.hosts[:1], None
