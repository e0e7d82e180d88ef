"""HexaHype course kit: the `hexahype` command and the pytest plugin behind the course."""

__version__ = "0.1.0"
