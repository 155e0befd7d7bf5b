"""The Pulumi program (pulumi-docker): the same container plan as the Docker engine, as Pulumi resources."""
