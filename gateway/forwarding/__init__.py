"""Forwarding of the public API to the service that owns each path."""
