"""datastack: provision, migrate and verify the data tier of trading platforms."""

__version__ = "0.1.0"
