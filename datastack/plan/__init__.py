"""The plan: engine-neutral description of what runs, built purely from the spec."""

from .build import build_plan, state_dir_for
from .model import Plan, ServicePlan

__all__ = ["build_plan", "state_dir_for", "Plan", "ServicePlan"]
