"""Map the shared container definitions (datastack.plan.definitions) onto pulumi-docker resources.

The Docker engine maps the very same definitions onto the docker SDK; tests/unit/infra/test_parity.py
compares both sides. Secrets (secret env values, secret file contents) become Pulumi secrets.
"""

from __future__ import annotations

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import (
    HEALTH_INTERVAL_S,
    HEALTH_RETRIES,
    HEALTH_TIMEOUT_S,
    ContainerDefinition,
    DeliveredFile,
)
from datastack.plan.definitions import JobDefinition

JOB_RESTART = "no"  # a one-shot job runs to completion once per (re)creation
# Without destroy_grace_seconds the provider removes a container with a 0 s stop on every replace or destroy:
# mongod, PostgreSQL and Redis would be killed mid-write. 30 s covers a checkpoint and a clean shutdown.
STOP_GRACE_S = 30


def image(name: str, image_name: str, opts: pulumi.ResourceOptions) -> docker.RemoteImage:
    """Pinned tag; kept on the host on destroy (other stacks on the same engine may use it)."""
    return docker.RemoteImage(name, name=image_name, keep_locally=True, opts=opts)


def volume(name: str, d: ContainerDefinition, opts: pulumi.ResourceOptions) -> docker.Volume | None:
    if not d.volume:
        return None
    # retain_on_delete: data outlives the container; removing it is a deliberate `docker volume rm`.
    return docker.Volume(name, name=d.volume, labels=_labels(d.labels),
                         opts=pulumi.ResourceOptions(parent=opts.parent, provider=opts.provider, retain_on_delete=True))


def environment(values: dict[str, str], secret_keys: list[str]) -> pulumi.Input:
    envs = [f"{key}={value}" for key, value in sorted(values.items())]
    return pulumi.Output.secret(envs) if secret_keys else envs


def uploads(files: list[DeliveredFile]) -> list[docker.ContainerUploadArgs]:
    return [docker.ContainerUploadArgs(
        file=f.path,
        content=pulumi.Output.secret(f.content) if f.secret else f.content,
        permissions=f"0{f.mode:o}",
        owner=str(f.uid),  # numeric: names would be resolved on the machine running Pulumi
        group=str(f.gid),
    ) for f in files]


def service_container(name: str, d: ContainerDefinition, network: docker.Network, data: docker.Volume | None,
                      opts: pulumi.ResourceOptions) -> docker.Container:
    return docker.Container(
        name,
        name=d.name,
        image=d.image,
        command=d.command or None,
        envs=environment(d.environment, d.secret_keys),
        ports=[docker.ContainerPortArgs(internal=p.container_port, external=p.host_port, ip=p.host_ip) for p in d.ports],
        mounts=[docker.ContainerMountArgs(target=d.data_dir, source=data.name, type="volume")] if data else None,
        uploads=uploads(d.files) or None,
        healthcheck=docker.ContainerHealthcheckArgs(
            tests=d.healthcheck, interval=f"{HEALTH_INTERVAL_S}s", timeout=f"{HEALTH_TIMEOUT_S}s", retries=HEALTH_RETRIES),
        restart=d.restart,
        networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=network.name, aliases=[d.alias])],
        hostname=d.alias.replace("_", "-"),
        labels=_labels(d.labels),
        stop_signal=d.stop_signal,
        user=d.user,
        init=d.init,
        stop_timeout=STOP_GRACE_S,  # `docker stop` and daemon restarts
        destroy_grace_seconds=STOP_GRACE_S,  # replace and destroy by Pulumi
        wait=True,  # `pulumi up` returns when every container is healthy
        wait_timeout=HEALTH_INTERVAL_S * HEALTH_RETRIES + 10,
        opts=opts,
    )


def job_container(name: str, job: JobDefinition, network: docker.Network | None, opts: pulumi.ResourceOptions) -> docker.Container:
    """A one-shot container: runs once, exits 0, stays for its log. Recreated when its inputs change."""
    return docker.Container(
        name,
        name=job.name,
        image=job.image,
        entrypoints=job.entrypoint,
        command=job.command,
        envs=environment(job.environment, job.secret_keys),
        uploads=uploads(job.files) or None,
        network_mode=f"container:{job.network_container}" if job.network_container else None,
        networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=network.name)] if job.network and network else None,
        restart=JOB_RESTART,
        must_run=False,
        attach=True,  # wait for it to finish; a non-zero exit fails the update
        logs=True,
        labels=_labels(job.labels),
        opts=opts,
    )


def _labels(labels: dict[str, str]) -> list[docker.ContainerLabelArgs]:
    return [docker.ContainerLabelArgs(label=k, value=v) for k, v in sorted(labels.items())]
