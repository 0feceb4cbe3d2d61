"""The suite's public documentation: the merged OpenAPI document, `/docs`, `/problems`."""
