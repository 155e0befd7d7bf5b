"""The check suite: pytest-testinfra modules that verify an environment against its spec (`datastack check`)."""
