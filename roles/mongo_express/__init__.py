"""mongo-express: the MongoDB web admin, behind basic auth, bound to localhost unless declared.

Its registry entry is in service.py (listed in roles/registry.py)."""
