"""`datastack check`: run the check suite (checks/) in-process and turn its results into reports."""

from .results import CheckResult, SuiteResult
from .run import run_suite

__all__ = ["CheckResult", "SuiteResult", "run_suite"]
