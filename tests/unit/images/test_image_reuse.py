"""Reuse: an image whose tag Docker already has is never rebuilt; a missing one is built with its labels."""

from __future__ import annotations

import pytest
from docker.errors import ImageNotFound

from datastack.errors import RuntimeFailure, UserError
from datastack.images import base as base_module
from datastack.images.base import BaseImage, base_tag, debootstrap_command, ensure_base_image
from datastack.images.build import ensure_recipe_image, select_recipes
from datastack.images.recipes import HASH_LABEL, recipe_named


class FakeImage:
    def __init__(self, tag):
        self.tags = [tag]
        self.attrs = {"Size": 123, "Created": "2026-01-01T00:00:00"}


class FakeImages:
    def __init__(self, present):
        self.present = set(present)

    def get(self, tag):
        if tag not in self.present:
            raise ImageNotFound(tag)
        return FakeImage(tag)


class FakeAPI:
    def __init__(self, images, stream=None):
        self.images, self.calls, self.stream = images, [], stream

    def build(self, **kwargs):
        self.calls.append(kwargs)
        if self.stream is not None:
            return iter(self.stream)
        self.images.present.add(kwargs["tag"])
        return iter([{"stream": "Step 1/1 : FROM x\n"}, {"stream": "Successfully built abc\n"}])


class FakeClient:
    def __init__(self, present=(), stream=None):
        self.images = FakeImages(present)
        self.api = FakeAPI(self.images, stream)


BASE = BaseImage("datastack/base:feedfacecafe", "feedfacecafe" * 5, reused=True, seconds=0.0)


def expected_tag(name):
    from datastack.images.recipes import image_tag

    return image_tag(recipe_named(name), BASE.full_hash)


def test_existing_tag_is_reused_without_building():
    client = FakeClient(present=[expected_tag("redis")])
    lines = []
    image = ensure_recipe_image(client, recipe_named("redis"), BASE, lines.append)
    assert image.reused and image.tag == expected_tag("redis")
    assert client.api.calls == []
    assert any("reused" in line for line in lines)


def test_missing_tag_is_built_from_the_base_with_hash_labels():
    client = FakeClient()
    image = ensure_recipe_image(client, recipe_named("postgres"), BASE)
    assert not image.reused
    (call,) = client.api.calls
    assert call["tag"] == expected_tag("postgres")
    assert call["buildargs"] == {"BASE": BASE.tag}
    assert call["labels"][HASH_LABEL] == image.full_hash
    assert call["pull"] is False, "no registry: never try to pull"


def test_build_error_is_one_line_naming_the_recipe():
    client = FakeClient(stream=[{"stream": "Step 3/9 : RUN false\n"}, {"error": "returned a non-zero code: 1"}])
    with pytest.raises(RuntimeFailure, match=r"images/app/Dockerfile: building image app failed.*non-zero"):
        ensure_recipe_image(client, recipe_named("app"), BASE)


def test_existing_base_is_reused_without_debootstrap(monkeypatch):
    monkeypatch.setattr(base_module, "run_with_ticker", lambda *a, **k: pytest.fail("debootstrap must not run"))
    base = ensure_base_image(FakeClient(present=[base_tag()]))
    assert base.reused and base.tag == base_tag()


def test_missing_debootstrap_is_a_user_error(monkeypatch):
    monkeypatch.setattr(base_module.shutil, "which", lambda name, path=None: None)
    with pytest.raises(UserError, match="debootstrap is not installed.*install-docker.sh"):
        ensure_base_image(FakeClient())


def test_base_includes_what_the_recipes_and_testinfra_need(tmp_path):
    command = debootstrap_command(tmp_path, "/usr/sbin/debootstrap")
    includes = next(arg for arg in command if arg.startswith("--include=")).split("=", 1)[1].split(",")
    assert {"postgresql", "redis-server", "python3-venv", "procps", "iproute2"} <= set(includes)
    assert "--variant=minbase" in command and "bookworm" in command


def test_unknown_recipe_name_lists_the_known_ones():
    with pytest.raises(UserError, match="use one of: mongodb-standin, postgres, redis"):
        select_recipes(["mysql"])
    assert [r.name for r in select_recipes(None)][0] == "mongodb-standin"  # registry order
