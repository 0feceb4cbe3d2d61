"""The audit log: who did what to which case, when, from where and why — append-only, each
event chained to the one before by its hash, so a change or a gap is detectable."""
