"""Transport-level protection: GraphQL over HTTP, coded HTTP errors, JWKS, rate limits."""
