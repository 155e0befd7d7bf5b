"""Application containers and the bundled reference app, wired with least-privileged credentials.

Its registry entry is in service.py (listed in roles/registry.py)."""
