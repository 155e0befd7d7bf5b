"""Bootstrap steps (users, databases, replica set initiation), shared by every engine."""
