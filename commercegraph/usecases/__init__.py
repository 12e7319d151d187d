"""Use cases: orchestration over ports, records in and out, no framework."""
