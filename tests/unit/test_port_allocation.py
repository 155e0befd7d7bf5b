"""The throwaway-spec port allocator: ports promised to one service of a spec are never promised to another, even
before anything binds them (CI once gave a Redis instance the port of MongoDB member 2)."""

from __future__ import annotations

from tests.support.environments import free_port_block


def test_blocks_handed_out_in_one_process_never_overlap():
    taken: set[int] = set()
    for size in (3, 1, 1, 3, 1) * 6:  # 54 ports from a crowded 200-port range: overlaps would be near certain without the memory
        base = free_port_block(size, within=(39000, 39200))
        block = set(range(base, base + size))
        assert not taken & block, f"port block {sorted(block)} overlaps one handed out before"
        taken |= block
