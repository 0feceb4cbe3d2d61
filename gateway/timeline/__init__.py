"""A case's timeline, composed by the gateway from the parts' public APIs with the
caller's own token, so each part applies its own scope and permission rules."""
