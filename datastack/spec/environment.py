"""The whole environment spec: one YAML file per environment, the single source of truth."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, PrivateAttr, create_model, model_validator

from .checks import ChecksSpec
from .conventions import SecretConventions, apply_convention, convention_clash
from .common import GENERATE, Strict
from .spec_paths import SpecRelative
from .validators import FreeText, check_state_dir

ENVIRONMENT_NAMES = ("local", "ci", "dev", "staging", "prod")  # the repository's own; any name matching the pattern works
ENVIRONMENT_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,30}$"  # a file, directory, container and stack name as it is
# Only throwaway environments may have datastack invent their passwords; production adds the rules below.
TIERS = ("development", "shared", "production")
GENERATED_SECRETS_ALLOWED = ("development",)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_environment_name(text: str) -> bool:
    """The whole text matches the pattern (re.match's `$` would let a trailing newline through)."""
    return re.fullmatch(ENVIRONMENT_NAME_PATTERN.removeprefix("^").removesuffix("$"), text) is not None


# An instance's key: the service's name, '-', and a suffix (<service>-queue, <service>-reports): a file, directory,
# container and DNS name as it is, that says which service it is.
INSTANCE_OF = "instance_of"
INSTANCE_SUFFIX_PATTERN = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
INSTANCE_NAME_MAX = 40


class _ServiceSections(Strict):
    """The built-in services are fields; a service registered later (roles/registry.py) brings its own spec model,
    and its section is validated with it. A key with `instance_of: <service>` is another instance of a service that
    allows them (`Service.instances`), validated by that service's model. Any other key is an error naming the
    registered services."""

    model_config = ConfigDict(extra="allow", frozen=True)
    _instances: dict[str, str] = PrivateAttr(default_factory=dict)  # instance name -> the service it is an instance of

    @model_validator(mode="after")
    def _registered_sections(self):
        from ..services import registered_services

        registered = [s for s in registered_services() if s.spec_model is not None]
        models = {s.spec_key or s.name: s.spec_model for s in registered}
        for key, value in (self.__pydantic_extra__ or {}).items():
            if isinstance(value, dict) and INSTANCE_OF in value:
                self.__pydantic_extra__[key] = self._instance(key, value, registered)
                continue
            if key not in models:
                known = sorted({*type(self).model_fields, *models})
                raise ValueError(f"unknown service {key!r}; fix: use one of: {', '.join(known)} "
                                 f"(or add {INSTANCE_OF}: <service> to declare another instance of one)")
            self.__pydantic_extra__[key] = models[key].model_validate(value)
        return self

    def _instance(self, key: str, value: dict, registered: list) -> object:
        from pydantic import ValidationError

        from .load import describe_validation_error

        allowing = {s.name: s for s in registered if s.instances}
        of = value[INSTANCE_OF]
        if not isinstance(of, str) or of not in allowing:
            raise ValueError(f"{key}.{INSTANCE_OF}: {str(of)[:40]!r} cannot have instances; fix: use one of: "
                             f"{', '.join(sorted(allowing)) or '(no service allows instances)'}")
        if not re.fullmatch(re.escape(of) + "-" + INSTANCE_SUFFIX_PATTERN, key) or len(key) > INSTANCE_NAME_MAX \
                or key in {s.spec_key or s.name for s in registered}:
            raise ValueError(f"{key[:60]!r} is not an instance name; fix: name it {of}-<suffix> (lower-case letters "
                             f"and digits, '-' between words, at most {INSTANCE_NAME_MAX} characters), e.g. {of}-queue")
        model = allowing[of].spec_model
        try:
            section = model.model_validate({k: v for k, v in value.items() if k != INSTANCE_OF})
        except ValidationError as exc:  # one line naming the instance's own field, as for the service's section
            what, fix = describe_validation_error(exc, model)
            raise ValueError(f"{key}.{what}; fix: {fix}") from None
        section._declared_as = key
        self._instances[key] = of
        return section

    def instances(self) -> dict[str, str]:
        """Every declared instance by name: the service it is an instance of."""
        return dict(self._instances)

    def sections(self) -> dict[str, object]:
        """Every declared section, built-in or registered, by its key."""
        built_in = {name: getattr(self, name) for name in type(self).model_fields}
        return {k: v for k, v in {**built_in, **(self.__pydantic_extra__ or {})}.items() if v}


def _services_model() -> type[_ServiceSections]:
    """`services:`: one field per built-in service, in registry order, with its own spec model (`Service.spec_model`):
    absent by default, or a list that defaults to empty (`Service.spec_list`)."""
    from roles.registry import BUILT_IN

    fields: dict[str, tuple] = {}
    for service in BUILT_IN:
        if service.spec_list:
            fields[service.spec_key or service.name] = (list[service.spec_model], Field(default_factory=list))
        else:
            fields[service.spec_key or service.name] = (service.spec_model | None, None)
    return create_model("Services", __base__=_ServiceSections, __module__=__name__, __doc__=_ServiceSections.__doc__,
                        **fields)


Services = _services_model()


class EnvironmentSpec(Strict):
    name: str = Field(pattern=ENVIRONMENT_NAME_PATTERN, description="environment name: lower-case letters, digits, '-'")
    tier: Literal[TIERS] = Field(  # type: ignore[valid-type]
        default="development", description="development: generated secrets allowed; shared: references only; "
                                           "production: also no admin UI beyond loopback, services on loopback unless exposed")
    secrets: SecretConventions | None = Field(default=None, description="where unstated secrets are read from")
    exposed: list[str] = Field(default_factory=list, description="tier production: the services (keys under "
                                                                   "services:) allowed to bind beyond loopback")
    description: FreeText = ""
    engine: Literal["local", "docker", "pulumi"] = Field(default="local", description="engine used when --engine is not given")
    state_dir: Annotated[Path, AfterValidator(check_state_dir), SpecRelative(allow_parent=False)] | None = Field(
        default=None, description="where state lives (a directory of its own, relative to the spec file); default .datastack/<name>")
    images: Literal["official", "offline"] = Field(
        default="official",
        description="containers: pinned official images, or offline ones from `datastack images build` (no registry)",
    )
    services: Services  # type: ignore[valid-type]
    checks: ChecksSpec = ChecksSpec()
    _source_file: Path | None = PrivateAttr(default=None)  # set by the loader: default state lives beside it

    @property
    def source_file(self) -> Path | None:
        """The spec file this was loaded from (None for a spec built in memory)."""
        return self._source_file

    @property
    def selector(self) -> str:
        """How a command line names this environment in a fix line: `--env NAME` for the project's own
        environments/NAME.yaml (or a spec built in memory), `--spec PATH` for any other file."""
        import shlex

        from ..paths import environment_file

        source = self._source_file
        if source is None or Path(source).resolve() == environment_file(self.name).resolve():
            return f"--env {self.name}"
        return f"--spec {shlex.quote(str(source))}"

    @model_validator(mode="after")
    def _ports_unique(self):
        seen: dict[int, str] = {}
        for owner, port in self.declared_ports():
            if port in seen:
                raise ValueError(f"port {port} is used by both {seen[port]} and {owner}; fix: give each service its own port")
            seen[port] = owner
        return self

    @model_validator(mode="after")
    def _generated_secrets_only_where_allowed(self):
        if self.tier in GENERATED_SECRETS_ALLOWED:
            return self
        for where, ref in self.secret_refs():
            if ref == GENERATE:
                raise ValueError(
                    f"{where}: 'generate' is only for tier development, this is tier {self.tier}; "
                    "fix: use ${env:NAME} or ${file:PATH}, or a convention under secrets.default"
                )
        return self

    @model_validator(mode="after")
    def _tls_blocks_fit_their_sections(self):
        for key, section in self.services.sections().items():
            for item in section if isinstance(section, list) else [section]:
                tls, external = getattr(item, "tls", None), getattr(item, "external", None)
                if tls is None:
                    continue
                problem = tls.problem(external, getattr(item, "bind", None))
                if problem:
                    raise ValueError(f"services.{key}.tls: {problem}")
                # A generated CA is a secret datastack invents: the same rule as generated passwords.
                if external is None and tls.generated and self.tier not in GENERATED_SECRETS_ALLOWED:
                    raise ValueError(f"services.{key}.tls: generated certificates are only for tier development, this "
                                     f"is tier {self.tier}; fix: give ca_file, cert_file and key_file")
        return self

    @model_validator(mode="after")
    def _sections_agree(self):
        # What one section names in another (a user it logs in as, a database it shows), and rules of this
        # environment kind: each section's own `check_against(spec)` raises ValueError naming the field and the fix.
        for section in self.services.sections().values():
            for item in section if isinstance(section, list) else [section]:
                if hasattr(item, "check_against"):
                    item.check_against(self)
        return self

    @model_validator(mode="after")
    def _secret_convention_unambiguous(self):
        clash = convention_clash(self._stated_secret_refs(), self.secrets)
        if clash:
            raise ValueError(f"secrets.default: {clash[0]} and {clash[1]} would read the same secret; "
                             "fix: use {id} or {path} instead of {ID}, or state one of them explicitly")
        return self

    @model_validator(mode="after")
    def _secret_ids_unique(self):
        ids = [secret_id for secret_id, _ in self.secret_refs()]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"two passwords share the secret id {dupes[0]}; fix: rename one of the users")
        return self

    @model_validator(mode="after")
    def _production_binds_loopback_unless_exposed(self):
        # Production: a server reachable from the network is a decision stated in one place, not a bind: typo.
        unknown = sorted(set(self.exposed) - set(self.services.sections()))
        if unknown:
            raise ValueError(f"exposed: {unknown[0]!r} is not a declared service; fix: use one of: "
                             f"{', '.join(sorted(self.services.sections()))}")
        if self.tier != "production":
            return self
        for key, section in self.services.sections().items():
            for item in section if isinstance(section, list) else [section]:
                bind = getattr(item, "bind", None)
                if bind is not None and bind not in LOOPBACK and key not in self.exposed:
                    raise ValueError(f"services.{key}: binds {bind} in tier production; fix: bind 127.0.0.1, or list "
                                     f"{key} under exposed: to declare it reachable from the network")
        return self

    def instance_view(self, name: str) -> "EnvironmentSpec":
        """This spec as the instance `name` sees it: its section in its service's place, so the service's own code
        (plan, reconciler, logins, checks) runs for it unchanged."""
        from ..errors import UserError
        from ..services import service_named

        of = self.services.instances().get(name)
        if of is None:
            raise UserError(f"no instance {name!r} in this environment",
                            fix=f"use one of: {', '.join(self.services.instances()) or '(none declared)'}")
        key = service_named(of).spec_key or of
        services = self.services.model_copy(update={key: self.services.sections()[name]})
        return self.model_copy(update={"services": services})

    def declared_ports(self) -> list[tuple[str, int]]:
        """(owner, port) of every listener: a section's own `declared_ports()`, else its `port`."""
        ports: list[tuple[str, int]] = []
        for key, section in self.services.sections().items():
            for item in section if isinstance(section, list) else [section]:
                if hasattr(item, "declared_ports"):
                    ports += item.declared_ports()
                elif hasattr(item, "port"):
                    ports.append((key, item.port))
        return ports

    def served_tls_sections(self) -> list[tuple[str, object]]:
        """(section key, its `tls:` block) of every server datastack runs with TLS (not an external one's)."""
        found = []
        for key, section in self.services.sections().items():
            for item in section if isinstance(section, list) else [section]:
                if getattr(item, "tls", None) is not None and getattr(item, "external", None) is None:
                    found.append((key, item.tls))
        return found

    def secret_refs(self) -> list[tuple[str, str]]:
        """(secret id, reference) for every password in the spec; the id names its place."""
        return apply_convention(self._stated_secret_refs(), self.secrets)

    def _stated_secret_refs(self) -> list[tuple[str, str]]:
        refs: list[tuple[str, str]] = []
        for section in self.services.sections().values():
            if hasattr(section, "secret_refs"):
                refs += section.secret_refs()
        return refs
