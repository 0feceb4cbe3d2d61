"""Consents: an adult's informed consent (or a child's recorded views), by scope."""
