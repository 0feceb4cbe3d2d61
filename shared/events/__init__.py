"""Events between the parts: a transactional outbox, a relay, and idempotent consumption."""
