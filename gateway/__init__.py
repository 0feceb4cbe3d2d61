"""The gateway: the suite's one public entry (tokens, accounts, docs, forwarding)."""
