"""Identity: organisations, users and API clients, and who they are at each request."""
