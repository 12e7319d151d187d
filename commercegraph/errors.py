"""The gateway's exception hierarchy; only the GraphQL layer turns these into codes."""

from __future__ import annotations

from typing import Any


class CommerceGraphError(Exception):
    """A failure the client may see, carrying a stable ``extensions.code``."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadUserInput(CommerceGraphError):
    code = "BAD_USER_INPUT"


class Unauthenticated(CommerceGraphError):
    code = "UNAUTHENTICATED"


class Forbidden(CommerceGraphError):
    code = "FORBIDDEN"


class NotFound(CommerceGraphError):
    code = "NOT_FOUND"


class Conflict(CommerceGraphError):
    code = "CONFLICT"


class OutOfStock(CommerceGraphError):
    code = "OUT_OF_STOCK"


class InsufficientFunds(CommerceGraphError):
    code = "INSUFFICIENT_FUNDS"


class BackendError(CommerceGraphError):
    """A backend failed; ``backend`` names the domain whose fields are lost."""

    code = "BACKEND_UNAVAILABLE"

    def __init__(self, backend: str, message: str | None = None, **extensions: Any) -> None:
        super().__init__(message or f"The {backend} backend is unavailable", **extensions)
        self.backend = backend
        self.extensions["backend"] = backend


class BackendUnavailable(BackendError):
    code = "BACKEND_UNAVAILABLE"


class BackendTimeout(BackendError):
    code = "BACKEND_TIMEOUT"


class CircuitOpen(BackendError):
    code = "CIRCUIT_OPEN"


class IllegalTransition(CommerceGraphError):
    """The order cannot move from its status to the one asked for; nothing changed."""

    code = "ILLEGAL_TRANSITION"


class PaymentRequired(CommerceGraphError):
    """Nothing pays for the checkout: no wallet amount, payment method or pay at pickup."""

    code = "PAYMENT_REQUIRED"


class PayAtPickupLimit(CommerceGraphError):
    """The customer already has as many orders waiting for payment at pickup as allowed."""

    code = "PAY_AT_PICKUP_LIMIT"


class CurrencyMismatch(CommerceGraphError):
    """A tender (wallet, gift card) holds another currency than the order, and no exchange
    rate is known to convert it: nothing is ever spent one for one across currencies."""

    code = "CURRENCY_MISMATCH"


class GiftCardExpired(CommerceGraphError):
    """The gift card is past its expiry date: it can no longer be spent or topped up."""

    code = "GIFT_CARD_EXPIRED"
