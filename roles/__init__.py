"""Roles: one folder per service (roles/<service>/), each holding that service's whole Python story.

`roles/registry.py` lists them; the generic pipeline in datastack/ iterates that registry.
"""
