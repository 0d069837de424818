"""Sitroom: sourced, geocoded, deduplicated knowledge from war and crisis reporting."""

__version__ = "0.1.0"
