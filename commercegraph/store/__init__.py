"""The gateway's own SQL store: models, engine and migrations."""
