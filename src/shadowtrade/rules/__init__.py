"""Sanctions regimes as YAML data: validation and evaluation."""
