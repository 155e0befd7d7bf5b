"""A YAML loader for files people write: spec, schema and seed data.

On top of `yaml.SafeLoader` (no Python objects) it refuses what YAML allows but a spec never needs:
- aliases (`*anchor`): a 488-byte file of nested aliases expands to gigabytes;
- a key given twice in one mapping: YAML keeps the last one silently, hiding the first;
- nesting deeper than MAX_DEPTH: recursion in the parser or the models ends in a crash, not a message;
and it reads only UTF-8 text of at most MAX_BYTES.

With libyaml, parsing runs in C: one pass over the events refuses aliases and deep nesting, then the
C composer builds the nodes and only the constructor (duplicate and merge keys) is Python — about
six times faster than the pure-Python loader on a schema file, which matters at 1,000 collections.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_DEPTH = 48
MAX_BYTES = 1024 * 1024


class UnsafeYAML(ValueError):
    """A document the loader refuses; `line` is 1-based when known, `fix` says what to do."""

    def __init__(self, problem: str, fix: str, line: int | None = None):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix
        self.line = line


def _alias_refused(event) -> UnsafeYAML:
    return UnsafeYAML(f"YAML alias *{event.anchor} is not allowed", "write the value out in full (anchors and "
                      "aliases are refused: they can expand without bound)", event.start_mark.line + 1)


def _too_deep(event) -> UnsafeYAML:
    return UnsafeYAML(f"nesting deeper than {MAX_DEPTH} levels", "flatten the document", event.start_mark.line + 1)


class _RefuseDuplicateAndMergeKeys:
    """Constructor half of the strict loader, shared by the pure-Python and the libyaml loaders."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise UnsafeYAML("YAML merge key '<<' is not allowed", "write the keys out in full",
                                 key_node.start_mark.line + 1)
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise UnsafeYAML("a mapping key must be a plain value", "use a string as the key",
                                 key_node.start_mark.line + 1) from None
            if key in seen:
                raise UnsafeYAML(f"key {key!r} appears twice in one mapping (first on line {seen[key]})",
                                 "keep one of them", key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_RefuseDuplicateAndMergeKeys, yaml.SafeLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _alias_refused(self.peek_event())
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _too_deep(self.peek_event())
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _FastStrictLoader(_RefuseDuplicateAndMergeKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser and composer with the strict constructor; aliases and depth are refused before it runs."""


def _refuse_aliases_and_depth(text: str) -> None:
    """The same refusals as `_StrictLoader.compose_node`, over libyaml's event stream (no nodes built)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _alias_refused(event)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def read_text(path: Path) -> str:
    """The file as UTF-8 text; UnsafeYAML when it is too large or not UTF-8 (OSError passes through)."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UnsafeYAML(f"file larger than {MAX_BYTES // 1024} KiB", "split it or remove what is not needed")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnsafeYAML(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", "save the file as UTF-8", line) from None


def load(text: str) -> Any:
    """Parse one YAML document strictly (see the module docstring). Raises UnsafeYAML or yaml.YAMLError."""
    try:
        if not getattr(yaml, "__with_libyaml__", False):
            return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
        _refuse_aliases_and_depth(text)
        return yaml.load(text, Loader=_FastStrictLoader)  # noqa: S506 - a CSafeLoader subclass
    except RecursionError:
        raise UnsafeYAML("nesting too deep to read", "flatten the document") from None
