"""Normal forms of a container, from each engine's side, so the Docker engine and Pulumi can be compared.

Each side becomes {docker name: {image, command, env, ports, mounts, files, healthcheck, restart}}.
"""

from __future__ import annotations

import io
import tarfile


def from_pulumi(declared_containers) -> dict[str, dict]:
    out = {}
    for c in declared_containers:
        i = c.inputs
        if i.get("mustRun") is False:
            continue  # one-shot jobs: the Docker engine runs its bootstrap from the host instead
        out[i["name"]] = {
            "image": i["image"],
            "command": list(i.get("command") or []),
            "env": dict(e.split("=", 1) for e in i.get("envs") or []),
            "ports": sorted((p["ip"], p["external"], p["internal"]) for p in i.get("ports") or []),
            "mounts": sorted((m["source"], m["target"]) for m in i.get("mounts") or []),
            "files": sorted((u["file"], int(u["permissions"], 8), int(u["owner"]), int(u["group"])) for u in i.get("uploads") or []),
            "healthcheck": list(i["healthcheck"]["tests"]),
            "restart": i["restart"],
            "init": i.get("init", False),
        }
    return out


def from_docker(client, container) -> dict:
    """A live container, minus what its image contributes (default CMD, image ENV)."""
    attrs = container.attrs
    image = client.images.get(attrs["Config"]["Image"]).attrs["Config"]
    command = attrs["Config"]["Cmd"] or []
    env = dict(e.split("=", 1) for e in attrs["Config"]["Env"] or [])
    image_env = dict(e.split("=", 1) for e in image.get("Env") or [])
    ports = []
    for inner, bindings in (attrs["HostConfig"].get("PortBindings") or {}).items():
        for b in bindings:
            ports.append((b["HostIp"], int(b["HostPort"]), int(inner.split("/")[0])))
    files = []
    for path in _delivered_paths(container):
        stream, _ = container.get_archive(path)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.getmembers()[0]
            files.append((path, member.mode & 0o7777, member.uid, member.gid))
    return {
        "image": attrs["Config"]["Image"],
        "command": [] if command == (image.get("Cmd") or []) else list(command),
        "env": env,
        "image_env": image_env,
        "ports": sorted(ports),
        "mounts": sorted((m["Name"], m["Destination"]) for m in attrs["Mounts"] if m["Type"] == "volume"),
        "files": sorted(files),
        "healthcheck": list(attrs["Config"]["Healthcheck"]["Test"]),
        "restart": attrs["HostConfig"]["RestartPolicy"]["Name"],
        "init": bool(attrs["HostConfig"].get("Init")),
    }


def _delivered_paths(container) -> list[str]:
    from datastack.plan.containers import CONF_DIR

    try:
        stream, _ = container.get_archive(CONF_DIR)
    except Exception:  # noqa: BLE001 - no config dir: nothing delivered
        return []
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        return [f"/etc/{m.name}" for m in tar.getmembers() if m.isfile()]


def same_environment(docker_side: dict, declared_env: dict[str, str]) -> bool:
    """Equal, except for variables the image itself sets (PATH, ...) and the definition does not mention."""
    effective = {k: v for k, v in docker_side["env"].items() if k in declared_env or docker_side["image_env"].get(k) != v}
    return effective == declared_env
