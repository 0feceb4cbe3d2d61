"""Idempotency keys: a POST repeated with the same `Idempotency-Key` is answered once and
replayed after, across replicas (the records are in the gateway's database)."""
