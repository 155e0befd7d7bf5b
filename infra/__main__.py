"""Pulumi entry point: read the stack's configuration, declare the environment. Nothing else happens here."""

from infra.config import read_stack_config
from infra.program import declare_environment

declare_environment(read_stack_config())
