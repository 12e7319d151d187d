"""Batched HTTP requests (a JSON array of operations): off unless a cap is configured."""

from __future__ import annotations

from dataclasses import dataclass

BATCHING_DISABLED = "BATCHING_DISABLED"
BATCH_TOO_LARGE = "BATCH_TOO_LARGE"


class BatchRefused(Exception):
    def __init__(self, code: str, message: str, max_operations: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.max_operations = max_operations


@dataclass(frozen=True, slots=True)
class BatchPolicy:
    """``max_operations == 0`` refuses every batch; otherwise at most that many."""

    max_operations: int = 0

    def check(self, operations: int) -> None:
        if self.max_operations <= 0:
            raise BatchRefused(
                BATCHING_DISABLED, "Batched operations are not enabled on this server.", 0
            )
        if operations > self.max_operations:
            raise BatchRefused(
                BATCH_TOO_LARGE,
                f"A batch may hold at most {self.max_operations} operations, got {operations}.",
                self.max_operations,
            )
