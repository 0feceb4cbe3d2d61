"""Guarding the token endpoint against password guessing: failed sign-ins counted per
username and per client address, in the gateway's database, with a lockout window."""
