"""PostgreSQL: one cluster, scram-sha-256 only, databases with owner/app/readonly roles.

Its registry entry is in service.py (listed in roles/registry.py)."""
