"""Environment files that extend a base: `extends: <path>` (relative to the file that says it).

Merge rules, applied from the deepest base up to the file named on the command line:
- mappings merge key by key (the overlay's value wins; nested mappings merge the same way);
- lists and plain values replace what the base had (a list is never appended to);
- `null` removes the key the base declared;
- a mapping may only override a mapping, and a list only a list: anything else is a mistake, refused.
Every relative path a file states (`schema:`, `alembic:`, `state_dir`) is made absolute against the
directory of the file that states it, before merging, so a base's paths keep meaning what they meant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import UserError
from ..paths import display
from . import safe_yaml
from .spec_paths import absolutize_paths
from .validators import first_control_character

EXTENDS = "extends"
MAX_CHAIN = 8  # bases of bases: deeper than this is a design problem, not an environment


def read_mapping(path: Path, *, kind: str, start_hint: str, empty_ok: bool = False) -> dict:
    """One YAML file as a mapping, read strictly (safe_yaml); every problem is one line naming the file."""
    where = display(path)
    try:
        data = safe_yaml.load(safe_yaml.read_text(Path(path)))
    except OSError as exc:
        raise UserError(f"cannot read {kind} ({exc.strerror})", where=where, fix="create it or correct the path") from None
    except safe_yaml.UnsafeYAML as exc:
        raise UserError(exc.problem, where=f"{where}:{exc.line}" if exc.line else where, fix=exc.fix) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise UserError(f"malformed YAML: {problem}", where=at, fix="fix the YAML syntax at that line") from None
    if data is None and empty_ok:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"the {kind} must be a YAML mapping", where=where, fix=start_hint)
    hit = first_control_character(data)
    if hit:
        field, char = hit
        raise UserError(f"{'.'.join(str(p) for p in field)}: control character {char} in a value",
                        where=where, fix="remove it (no newline, tab or other control character is allowed)")
    return data


def read_environment_document(path: Path, bases: list[Path] | None = None) -> dict:
    """The environment file with every base it extends merged in, its relative paths made absolute.
    `bases`, when given, receives the base files read, nearest first (for error messages)."""
    return _read_chain(Path(path), chain=(), bases=bases if bases is not None else [])


def _read_chain(path: Path, chain: tuple[Path, ...], bases: list[Path]) -> dict:
    real = path.resolve()
    if real in chain:
        names = " -> ".join(display(p) for p in (*chain, real))
        raise UserError(f"extends: a cycle of bases ({names})", where=display(chain[-1]),
                        fix="remove the extends that leads back to a file already in the chain")
    if len(chain) >= MAX_CHAIN:
        raise UserError(f"extends: more than {MAX_CHAIN} bases deep", where=display(path), fix="flatten the chain of bases")
    empty_ok = bool(chain)  # a base may be empty; the file named on the command line may not
    data = read_mapping(path, kind="spec" if not chain else "base spec",
                        start_hint="start the file with 'name: <env>'", empty_ok=empty_ok)
    data = absolutize_paths(data, real.parent)
    base_ref = data.pop(EXTENDS, None)
    if base_ref is None:
        return data
    if not isinstance(base_ref, str) or not base_ref.strip():
        raise UserError("extends: must be the path of a base file", where=display(path),
                        fix="write extends: <path relative to this file>, e.g. base/pulumi.yaml")
    base_path = Path(base_ref).expanduser()
    base_path = base_path if base_path.is_absolute() else real.parent / base_path
    if not base_path.is_file():
        raise UserError(f"extends: base {base_ref} does not exist (looked for {display(base_path)})", where=display(path),
                        fix="correct the path (it is relative to this file's directory) or create the base")
    bases.append(base_path)
    base = _read_chain(base_path, (*chain, real), bases)
    return merge(base, data, where=display(path))


def merge(base: dict, overlay: dict, *, where: str, at: tuple[str, ...] = ()) -> dict:
    """`overlay` over `base` by the rules in the module docstring; neither input is changed."""
    merged = dict(base)
    for key, value in overlay.items():
        field = ".".join((*at, str(key)))
        if value is None:
            merged.pop(key, None)
            continue
        if key not in base:
            merged[key] = value
            continue
        old = base[key]
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = merge(old, value, where=where, at=(*at, str(key)))
            continue
        for kind, word in ((dict, "a mapping"), (list, "a list")):
            if isinstance(old, kind) != isinstance(value, kind):
                shape = word if isinstance(old, kind) else _shape(old)
                raise UserError(f"{field}: overrides {shape} from its base with {_shape(value)}", where=where,
                                fix=f"write {shape} (maps merge, lists replace), or null to remove the base's value")
        merged[key] = value
    return merged


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a plain value"
