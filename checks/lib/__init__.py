"""Helpers shared by the check modules: the target environment, bounded connections, latency, drift."""
