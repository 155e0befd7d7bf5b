"""MongoDB: a real replica set from `mongod` when it is installed, else the single-node stand-in.

Real mongod: N members on consecutive ports sharing a keyFile (0400); the set is initiated and
the admin user created through the localhost exception.
Stand-in (SecantusDB): one node. It has no localhost exception, so its admin is created
during a private first boot without auth on a throwaway port, before it ever listens on the
declared port; from then on it only runs with auth.
Either way the first start makes only the administrator: the database users and roles belong to the
reconciler (roles.mongodb.reconcile), which every engine runs once the server is up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.plan import containers
from datastack.spec.external import URI_BY_REFERENCE, external_note
from datastack.plan.context import PlanContext
from datastack.plan.model import BootstrapStep, Probe, ServicePlan

from datastack.tls import server_names

from .container import mongo_member_names, mongo_uses_standin
from .keyfile import check_keyfile

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec

MONGO_IMAGE = "mongo:{version}"
STANDIN_NOTE = (
    "mongod is not on PATH: MongoDB runs as the SecantusDB stand-in, single node; "
    "the declared {topology} of {members} is not exercised here"
)


def plan_mongodb(spec: EnvironmentSpec, ctx: PlanContext) -> list[ServicePlan]:
    mongo = spec.services.mongodb
    if mongo is None:
        return []
    if mongo.external is not None:
        where = URI_BY_REFERENCE if mongo.external.uri else ", ".join(mongo.external.hosts)
        ctx.notes.append(external_note("mongodb", where))
        return []  # nothing to run: migrate and check reach it where external: says
    if ctx.layout.target == "local" and not ctx.toolchain.program("mongod"):
        return [_standin(spec, ctx)]
    if ctx.layout.target == "container" and mongo_uses_standin(spec):
        return [_standin_container(spec, ctx)]
    return _mongod_members(spec, ctx)


def admin_step(spec: EnvironmentSpec, tls_ca_file: str | None = None) -> BootstrapStep:
    mongo = spec.services.mongodb
    tls = {"tls_ca_file": tls_ca_file} if tls_ca_file else {}  # the first start speaks TLS too
    return BootstrapStep(action="mongo_create_admin", target=f"admin.{mongo.admin.name}",
                         params={"user": mongo.admin.name, "secret_id": mongo.admin_secret_id, **tls})


def _standin(spec: EnvironmentSpec, ctx: PlanContext) -> ServicePlan:
    mongo = spec.services.mongodb
    name = "mongodb"
    layout = ctx.layout
    tls = ctx.tls_files(name, mongo.tls, server_names(mongo.bind))
    ca_file = tls.client_ca_file if tls else None
    common = dict(bind=mongo.bind, data_dir=str(layout.data_dir(name)), cache_size="256M", tls=tls)
    conf = ctx.file(name, "secantusd.toml", "mongodb/secantusd.toml.j2", port=mongo.port, auth=True, **common)
    # The first boot runs without auth: it listens on loopback only, whatever the spec's bind.
    first_boot = ctx.file(name, "secantusd-bootstrap.toml", "mongodb/secantusd.toml.j2", port=mongo.port, auth=False,
                          **{**common, "bind": "127.0.0.1"})
    launcher = [ctx.toolchain.python, "-m", "secantus"]
    return ServicePlan(
        name=name,
        role="mongodb",
        implementation="secantus",
        image=None,
        command=[*launcher, "--config", conf.path],
        bootstrap_command=[*launcher, "--config", first_boot.path, "--port", "{port}"],
        files=[conf, first_boot, *([tls.cert, tls.key] if tls else [])],
        data_dir=common["data_dir"],
        log_file=str(layout.log_file(name)),
        bind=mongo.bind,
        ports=[mongo.port],
        run_as=ctx.toolchain.user_for("mongodb"),
        readiness=Probe(kind="mongodb", host="127.0.0.1", port=mongo.port, tls_ca_file=ca_file),
        bootstrap=[admin_step(spec, ca_file)],
        reconcile_logins=True,
        notes=[STANDIN_NOTE.format(topology=mongo.topology.replace("_", " "), members=mongo.members)],
    )


def _standin_container(spec: EnvironmentSpec, ctx: PlanContext) -> ServicePlan:
    """The stand-in image creates the root user from MONGO_INITDB_ROOT_* (as the official image does) on its
    first start, then serves with --auth; the reconciler makes everything else."""
    mongo = spec.services.mongodb
    name = "mongodb"
    password = ctx.file(name, "root.pw", "containers/password.j2", mode=0o400, secret=True, first_start_only=True,
                        password=ctx.secrets[mongo.admin_secret_id])
    tls = ctx.tls_files(name, mongo.tls, server_names(mongo.bind, containers.dns_alias(name)))
    # The image's entrypoint passes its arguments on to secantusd-py (images/mongodb-standin).
    tls_args = ["--tls-cert-file", tls.cert.path, "--tls-key-file", tls.key.path] if tls else []
    notes = []
    if mongo.topology == "replica_set":
        notes.append(STANDIN_NOTE.format(topology="replica set", members=mongo.members))
    return ServicePlan(
        name=name,
        role="mongodb",
        implementation="secantus",
        image=containers.offline_image("mongodb-standin"),
        command=tls_args,
        environment={"MONGO_INITDB_ROOT_USERNAME": mongo.admin.name, "MONGO_INITDB_ROOT_PASSWORD_FILE": password.path},
        files=[password, *([tls.ca, tls.cert, tls.key] if tls else [])],
        data_dir=str(ctx.layout.data_dir(name)),
        bind=mongo.bind,
        ports=[mongo.port],
        run_as=containers.image_user(spec, "mongodb").name,
        readiness=Probe(kind="mongodb", host="127.0.0.1", port=mongo.port, tls_ca_file=tls.client_ca_file if tls else None),
        reconcile_logins=True,
        notes=notes,
    )


def _mongod_members(spec: EnvironmentSpec, ctx: PlanContext) -> list[ServicePlan]:
    mongo = spec.services.mongodb
    layout = ctx.layout
    replica = mongo.topology == "replica_set"
    container = layout.target == "container"
    names = mongo_member_names(spec, standin=False)
    hosts = [f"{n}:27017" if container else f"127.0.0.1:{p}" for n, p in zip(names, mongo.ports)]
    members: list[ServicePlan] = []
    for index, (name, port) in enumerate(zip(names, mongo.ports)):
        files = []
        keyfile_path = None
        if replica:
            check_keyfile(ctx.secrets[mongo.keyfile_secret_id])
            keyfile = ctx.file(name, "keyfile", "mongodb/keyfile.j2", mode=0o400, secret=True, keyfile=ctx.secrets[mongo.keyfile_secret_id])
            files.append(keyfile)
            keyfile_path = keyfile.path
        log_file = layout.log_file(name)
        tls = ctx.tls_files(name, mongo.tls, server_names(mongo.bind, *([containers.dns_alias(name)] if container else [])))
        ca_file = tls.client_ca_file if tls else None
        if tls:
            files += [tls.ca, tls.key_and_cert]
        conf = ctx.file(
            name, "mongod.conf", "mongodb/mongod.conf.j2", tls=tls,
            port=27017 if container else port, bind="0.0.0.0" if container else mongo.bind,
            data_dir=str(layout.data_dir(name)), log_file=str(log_file) if log_file else None,
            keyfile=keyfile_path, replica_set=mongo.replica_set_name if replica else None,
            cache_size_gb=mongo.wiredtiger_cache_gb,
            # Private: /tmp/mongodb-<port>.sock can be blocked by another user's stale socket (containers: /tmp is theirs).
            socket_dir="/tmp" if container else str(layout.run_dir(name)),
        )
        files.insert(0, conf)
        last = index == len(names) - 1
        bootstrap: list[BootstrapStep] = []
        if last:
            if replica:
                bootstrap.append(BootstrapStep(
                    action="mongo_initiate_replica_set", target=mongo.replica_set_name,
                    params={"members": hosts, "primary": hosts[0]},
                ))
            bootstrap.append(admin_step(spec, ca_file))
        members.append(ServicePlan(
            name=name,
            role="mongodb",
            implementation="mongod",
            image=containers.image_for(spec, "mongod", mongo.version) if container else MONGO_IMAGE.format(version=mongo.version),
            command=["mongod" if container else (ctx.toolchain.program("mongod") or "mongod"), "--config", conf.path],
            files=files,
            data_dir=str(layout.data_dir(name)),
            log_file=str(log_file) if log_file else None,
            bind=mongo.bind,
            ports=[port],
            run_as=containers.image_user(spec, "mongodb").name if container else ctx.toolchain.user_for("mongodb"),
            readiness=Probe(kind="mongodb", host="127.0.0.1", port=port, tls_ca_file=ca_file),
            depends_on=names[:index] if last else [],
            bootstrap=bootstrap,
            reconcile_logins=last,
        ))
    return members
