"""The gateway core: resilience, fault injection, caching and telemetry around adapters."""
