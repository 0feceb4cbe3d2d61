"""Screenings: indicator answers evaluated against a pinned catalogue version, stored."""
