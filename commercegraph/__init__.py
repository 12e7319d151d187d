"""CommerceGraph: a GraphQL gateway for composable commerce."""

__version__ = "0.1.0"
