"""The reference app: proves that datastack wired each store with least-privileged credentials."""
