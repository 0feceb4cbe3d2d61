"""Authentication and authorisation: one token check and one permission policy for all parts."""
