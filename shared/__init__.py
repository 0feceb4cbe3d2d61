"""The suite's common library: settings, database, errors, auth, pagination, events.

No domain logic lives here; what two services need in the same way lives here once.
"""
