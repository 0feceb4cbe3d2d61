"""Tokens: the signing key, access and refresh tokens, the token endpoint and the JWKS."""
