"""Field resolvers: thin; they read through the request's loaders and call services."""
