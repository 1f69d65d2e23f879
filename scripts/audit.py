"""Dependency audit: placeholder until issue 9's security work lands (runs pip-audit)."""
