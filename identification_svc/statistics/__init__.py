"""Statistics: de-identified counts of cases, small ones suppressed."""
