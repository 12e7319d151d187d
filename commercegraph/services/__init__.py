"""Domain logic: pure functions and small classes over canonical records, no I/O."""
