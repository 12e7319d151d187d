"""Ports (``base``), their implementations (one package per vendor) and the registry."""
