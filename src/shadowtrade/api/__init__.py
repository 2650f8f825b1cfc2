"""The HTTP API (yente protocol)."""
