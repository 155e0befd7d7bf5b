"""PostgreSQL: one cluster, scram-sha-256 only, databases with owner/app/readonly roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.plan import containers
from datastack.plan.context import PlanContext
from datastack.plan.model import InitStep, Probe, ServicePlan
from datastack.spec.external import external_note

from datastack.tls import server_names

from .programs import BIN_DIR

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec

SERVICE = "postgres"
# Official image for container engines; pinned so a rebuild is reproducible.
POSTGRES_IMAGE = "postgres:{version}-bookworm"


def plan_postgres(spec: EnvironmentSpec, ctx: PlanContext) -> list[ServicePlan]:
    pg = spec.services.postgres
    if pg is None:
        return []
    if pg.external is not None:
        ctx.notes.append(external_note(pg.declared_as("postgres"), pg.external.where))
        return []  # nothing to run: migrate and check reach it where external: says
    layout = ctx.layout
    name = pg.declared_as(SERVICE)  # an instance plans under its own name: its own directories and plan entry
    data, run = layout.data_dir(name), layout.run_dir(name)
    bind = pg.bind if layout.target == "local" else "0.0.0.0"
    aliases = [containers.dns_alias(name)] if layout.target == "container" else []
    tls = ctx.tls_files(name, pg.tls, server_names(pg.bind, *aliases))
    hba = ctx.file(name, "pg_hba.conf", "postgres/pg_hba.conf.j2",
                   client_networks=[] if layout.target == "local" else ["samenet"], host_type="hostssl" if tls else "host")
    conf_file = ctx.file(
        name, "postgresql.conf", "postgres/postgresql.conf.j2",
        bind=bind, port=pg.port if layout.target == "local" else 5432, socket_dir=str(run),
        hba_file=hba.path, settings=pg.settings, log_file=layout.log_file(name), tls=tls,
    )
    tls_files = [tls.cert, tls.key] if tls else []
    if layout.target == "container":
        return [_container(spec, ctx, [conf_file, hba, *tls_files], str(data), tls.client_ca_file if tls else None)]
    binary = f"{ctx.toolchain.program(BIN_DIR)}/" if ctx.toolchain.program(BIN_DIR) else ""
    pwfile = str(layout.conf_dir(name) / "initdb.pw")  # root-owned directory: written with mkstemp, then removed
    return [
        ServicePlan(
            name=name,
            role="postgres",
            implementation="postgres",
            image=POSTGRES_IMAGE.format(version=pg.version),
            command=[f"{binary}postgres", "-D", str(data), "-c", f"config_file={conf_file.path}"],
            files=[conf_file, hba, *tls_files],
            data_dir=str(data),
            log_file=str(layout.log_file(name)) if layout.log_file(name) else None,
            bind=pg.bind,
            ports=[pg.port],
            run_as=ctx.toolchain.user_for("postgres"),
            stop_signal="SIGINT",  # fast shutdown: SIGTERM would wait for every client to leave
            readiness=superuser_probe(spec, tls.client_ca_file if tls else None),
            init=InitStep(
                command=[f"{binary}initdb", "-D", str(data), f"--username={pg.superuser.name}", f"--pwfile={pwfile}",
                         "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8", "--no-instructions"],
                secret_file=pwfile,
                secret_id=pg.superuser_secret_id,
            ),
            reconcile_logins=True,
        )
    ]


def _container(spec: EnvironmentSpec, ctx: PlanContext, files: list, data: str, tls_ca_file: str | None) -> ServicePlan:
    """Both images (official and offline) run initdb on first start from POSTGRES_PASSWORD_FILE (the first
    administrator), then pass the command's arguments to `postgres`; the reconciler does every other role."""
    pg = spec.services.postgres
    name = pg.declared_as(SERVICE)
    password = ctx.file(name, "superuser.pw", "containers/password.j2", mode=0o400, secret=True, first_start_only=True,
                        password=ctx.secrets[pg.superuser_secret_id])
    return ServicePlan(
        name=name,
        role="postgres",
        implementation="postgres",
        image=containers.image_for(spec, "postgres", pg.version),
        command=["-c", f"config_file={files[0].path}"],
        environment={
            "POSTGRES_USER": pg.superuser.name,
            "POSTGRES_PASSWORD_FILE": password.path,
            "POSTGRES_INITDB_ARGS": "--auth-local=scram-sha-256 --auth-host=scram-sha-256",
        },
        files=[*files, password],
        data_dir=data,
        bind=pg.bind,
        ports=[pg.port],
        run_as=containers.image_user(spec, "postgres").name,
        stop_signal="SIGINT",
        readiness=superuser_probe(spec, tls_ca_file),
        reconcile_logins=True,
    )


def superuser_probe(spec: EnvironmentSpec, tls_ca_file: str | None = None) -> Probe:
    pg = spec.services.postgres
    return Probe(kind="postgres", host="127.0.0.1", port=pg.port, login_user=pg.superuser.name,
                 login_secret_id=pg.superuser_secret_id, tls_ca_file=tls_ca_file)
