"""Which exceptions from below an adapter are the caller's fault rather than the backend's.

A database that refuses a value (SQLSTATE class 22, data exception: NUL in text, a string
too long for its column, a number out of range) or a constraint (class 23) has answered: it
is alive, and counting that against its circuit would let one caller's bad input cut every
caller off. Such refusals become coded errors, which the resilience layer does not count.
"""

from __future__ import annotations

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from commercegraph.errors import BadUserInput, CommerceGraphError, Conflict

DATA_EXCEPTION = "22"
INTEGRITY_VIOLATION = "23"


def sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return str(state) if state else None


def caller_error(error: BaseException) -> CommerceGraphError | None:
    """The coded error ``error`` stands for when the caller's input caused it, else None."""
    if not isinstance(error, DBAPIError):
        return None
    state = sqlstate(error) or ""
    if isinstance(error, DataError) or state.startswith(DATA_EXCEPTION):
        return BadUserInput("A value was refused by the store as invalid")
    if isinstance(error, IntegrityError) or state.startswith(INTEGRITY_VIOLATION):
        return Conflict("The change conflicts with data already stored")
    return None
