"""MongoDB: a replica set of `mongod` members, or the single-node SecantusDB stand-in where mongod is absent.

Its registry entry is in service.py (listed in roles/registry.py)."""
