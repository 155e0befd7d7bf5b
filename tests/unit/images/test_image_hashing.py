"""Recipe hashes: stable for the same files, different as soon as anything the image is built from changes."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from datastack.errors import UserError
from datastack.images import recipes
from datastack.images.hashing import hash_files
from datastack.images.recipes import Recipe, context_files, recipe_hash


@pytest.fixture()
def recipe_tree(tmp_path, monkeypatch) -> Path:
    """A throwaway images/ folder with one recipe `demo` that copies an entry script and extra context."""
    images = tmp_path / "images"
    (images / "demo").mkdir(parents=True)
    (images / "demo" / "Dockerfile").write_text("ARG BASE\nFROM ${BASE}\nCOPY entry.sh /entry.sh\n")
    (images / "demo" / "entry.sh").write_text("#!/bin/sh\nexec true\n")
    (images / "demo" / "entry.sh").chmod(0o755)
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "main.py").write_text("print('hi')\n")
    monkeypatch.setattr(recipes, "RECIPES_DIR", images)
    return tmp_path


def demo(root: Path) -> Recipe:
    return Recipe("demo", "test recipe", extra_context={"code": root / "code"})


def test_same_files_same_hash(recipe_tree):
    assert recipe_hash(demo(recipe_tree), "base1") == recipe_hash(demo(recipe_tree), "base1")


@pytest.mark.parametrize("change", ["dockerfile", "entry script", "extra context", "new file", "exec bit"])
def test_any_change_to_what_is_copied_changes_the_hash(recipe_tree, change):
    before = recipe_hash(demo(recipe_tree), "base1")
    folder = recipe_tree / "images" / "demo"
    if change == "dockerfile":
        (folder / "Dockerfile").write_text("ARG BASE\nFROM ${BASE}\nCOPY entry.sh /usr/local/bin/entry.sh\n")
    elif change == "entry script":
        (folder / "entry.sh").write_text("#!/bin/sh\nexec false\n")
    elif change == "extra context":
        (recipe_tree / "code" / "main.py").write_text("print('bye')\n")
    elif change == "new file":
        (folder / "extra.conf").write_text("x = 1\n")
    else:
        (folder / "entry.sh").chmod(0o644)
    assert recipe_hash(demo(recipe_tree), "base1") != before


def test_a_new_base_changes_every_recipe_hash(recipe_tree):
    assert recipe_hash(demo(recipe_tree), "base1") != recipe_hash(demo(recipe_tree), "base2")


def test_interpreter_droppings_do_not_change_the_hash(recipe_tree):
    before = recipe_hash(demo(recipe_tree), "base1")
    (recipe_tree / "code" / "__pycache__").mkdir()
    (recipe_tree / "code" / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"\0junk")
    (recipe_tree / "code" / "stale.pyc").write_bytes(b"\0junk")
    assert recipe_hash(demo(recipe_tree), "base1") == before


def test_context_holds_recipe_files_and_extra_context_by_context_path(recipe_tree):
    assert sorted(context_files(demo(recipe_tree))) == ["Dockerfile", "code/main.py", "entry.sh"]


def test_hash_does_not_depend_on_mapping_order(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("1")
    b.write_text("2")
    assert hash_files({"a": a, "b": b}) == hash_files({"b": b, "a": a})


def test_recipe_without_dockerfile_is_a_user_error(recipe_tree):
    (recipe_tree / "images" / "demo" / "Dockerfile").unlink()
    with pytest.raises(UserError, match="no Dockerfile"):
        context_files(demo(recipe_tree))


def test_build_context_tar_is_byte_identical_for_the_same_files(recipe_tree, monkeypatch):
    from datastack.images import build

    monkeypatch.setattr(build, "build_ca_bundle", lambda: b"CA")
    first, second = build.build_context(demo(recipe_tree)).getvalue(), build.build_context(demo(recipe_tree)).getvalue()
    assert first == second
    with tarfile.open(fileobj=io.BytesIO(first)) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert sorted(members) == ["Dockerfile", "build-ca.crt", "code/main.py", "entry.sh"]
    assert members["entry.sh"].mode & 0o111, "entry scripts keep their executable bit"


def test_project_recipes_all_exist_and_hash_differently():
    hashes = {recipe.name: recipe_hash(recipe, "base") for recipe in recipes.all_recipes()}
    assert set(hashes) == {"postgres", "redis", "app", "mongo-express", "mongodb-standin"}
    assert len(set(hashes.values())) == len(hashes)
