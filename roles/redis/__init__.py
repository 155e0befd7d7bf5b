"""Redis: one server, an ACL file with the default user off and one user per application.

Its registry entry is in service.py (listed in roles/registry.py)."""
