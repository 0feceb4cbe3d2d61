"""Indicator catalogues: versioned, immutable once published, drafted by coordinators."""
