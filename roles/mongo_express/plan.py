"""mongo-express: the MongoDB web admin, behind basic auth, bound to localhost unless declared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roles.mongodb.login import mongo_login, mongo_uri
from datastack.plan import containers
from datastack.plan.addresses import container_endpoints
from datastack.plan.context import PlanContext
from datastack.plan.model import Probe, ServicePlan

from .local_build import BUILD

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec

SERVICE = "mongo_express"
MONGO_EXPRESS_IMAGE = "mongo-express:{version}"
NOT_BUILT_NOTE = ("mongo-express is declared but not built on this machine: it needs node >= 18.18 and npm "
                  "(apt-get install nodejs npm), then `datastack up` builds it once")
START_SCRIPT = "start-mongo-express.sh"  # the host build's entry point (images/mongo-express)


def mongo_express_login_user(spec: EnvironmentSpec) -> str | None:
    """It browses one database as that database's admin user, or everything as the server admin."""
    me, mongo = spec.services.mongo_express, spec.services.mongodb
    if me.database and me.database in mongo.databases:
        for user in mongo.databases[me.database].users:
            if user.access == "admin":
                return user.name
    return None


def plan_mongo_express(spec: EnvironmentSpec, ctx: PlanContext) -> list[ServicePlan]:
    me = spec.services.mongo_express
    if me is None or not me.enabled or spec.services.mongodb is None:
        return []
    local = ctx.layout.target == "local"
    if local and not (ctx.toolchain.program("node") and ctx.toolchain.program(BUILD)):
        ctx.notes.append(NOT_BUILT_NOTE)
        return []
    endpoints = ctx.endpoints
    if not local:
        endpoints = container_endpoints(spec)  # it reaches MongoDB on the private network
    env = {
        "ME_CONFIG_MONGODB_URL": mongo_uri(endpoints, mongo_login(spec, ctx.secrets, mongo_express_login_user(spec), me.database)),
        "ME_CONFIG_MONGODB_ENABLE_ADMIN": "false" if me.database else "true",
        "ME_CONFIG_BASICAUTH": "true" if me.basic_auth else "false",
        "PORT": str(me.port if local else 8081),
        "VCAP_APP_HOST": me.bind if local else "0.0.0.0",
    }
    if me.database:
        env["ME_CONFIG_MONGODB_AUTH_DATABASE"] = me.database
    if local:
        env["NODE"] = ctx.toolchain.program("node")  # by its installed path: start-mongo-express.sh runs "$NODE"
    # The connection string stays in the environment: mongo-express (1.0.2 and 1.1) reads it only from
    # process.env.ME_CONFIG_MONGODB_URL (config.default.js); its *_FILE support (getFileEnv) covers basic auth.
    secret_keys = ["ME_CONFIG_MONGODB_URL"]
    files = []
    if not local:  # the CA of a TLS MongoDB, where its URI's tlsCAFile points
        ca = ctx.tls_ca_for_clients(SERVICE, "mongodb", spec.services.mongodb.tls)
        files += [ca] if ca is not None else []
    if me.basic_auth:
        env["ME_CONFIG_BASICAUTH_USERNAME"] = me.basic_auth.name
        if local:
            env["ME_CONFIG_BASICAUTH_PASSWORD"] = ctx.secrets[me.basic_auth_secret_id]
            secret_keys.append("ME_CONFIG_BASICAUTH_PASSWORD")
        else:
            password = ctx.file(SERVICE, "basicauth.pw", "containers/password.j2", mode=0o400, secret=True,
                                password=ctx.secrets[me.basic_auth_secret_id])
            env["ME_CONFIG_BASICAUTH_PASSWORD_FILE"] = password.path
            files.append(password)
    command = [f"{ctx.toolchain.program(BUILD)}/{START_SCRIPT}"] if local else []
    return [ServicePlan(
        name=SERVICE,
        role="mongo_express",
        implementation="mongo-express",
        image=MONGO_EXPRESS_IMAGE.format(version=me.version) if local else containers.image_for(spec, "mongo-express", me.version),
        command=command,
        working_dir=ctx.toolchain.program(BUILD) if local else None,
        environment=env,
        secret_environment=secret_keys,
        files=files,
        log_file=str(ctx.layout.log_file(SERVICE)) if ctx.layout.log_file(SERVICE) else None,
        bind=me.bind,
        ports=[me.port],
        run_as=ctx.toolchain.user_for("mongo_express") if local else containers.image_user(spec, "mongo_express").name,
        readiness=Probe(kind="http", host="127.0.0.1", port=me.port, path="/status"),
        depends_on=[s.name for s in ctx.planned_role("mongodb")],
    )]

