"""Kill points for the fault matrix: with `DATASTACK_KILL_AT_STEP=N` a migrator SIGKILLs itself at its Nth step boundary.

Only the fault-matrix tests set the variable; without it a boundary costs one integer comparison.
`DATASTACK_KILL_AT_STEP=0` only counts: the number of boundaries passed is printed to stderr at exit,
so a test can spread its kill points over a whole run.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys

_KILL_AT = os.environ.get("DATASTACK_KILL_AT_STEP")
_target = int(_KILL_AT) if _KILL_AT and _KILL_AT.isdigit() else None
_passed = 0


def step_boundary() -> None:
    global _passed
    if _target is None:
        return
    _passed += 1
    if _target and _passed >= _target:
        os.kill(os.getpid(), signal.SIGKILL)


if _target == 0:
    atexit.register(lambda: print(f"fault points passed: {_passed}", file=sys.stderr, flush=True))
