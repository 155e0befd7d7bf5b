"""Roles: one module per service, each turning the environment spec into plan entries.

A role owns its service's story: defaults, templates (templates/<role>/) and checks (checks/).
"""
