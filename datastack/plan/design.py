"""The declared design `datastack plan` shows beside what it would run: each service's own summary
(`Service.plan_design`: collections and indexes, ACL rules) and the merged spec, secrets as references."""

from __future__ import annotations

from typing import Any

from ..spec import EnvironmentSpec


def declared_design(spec: EnvironmentSpec) -> dict[str, Any]:
    from ..services import declared_services

    return {service.name: service.plan_design(spec) for service in declared_services(spec) if service.plan_design is not None}


def merged_spec(spec: EnvironmentSpec) -> dict[str, Any]:
    """The spec after overlays and conventions, as JSON: every secret field shows its reference, never a value."""
    data = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    for name, service in spec.services.instances().items():  # as it was written: what it is an instance of
        data["services"][name] = {"instance_of": service, **data["services"][name]}
    data["secret_references"] = dict(spec.secret_refs())
    return data
