"""Money in integer minor units: exponents and display formatting."""

from __future__ import annotations

CURRENCY_EXPONENT = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3}
CURRENCY_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}


def exponent(currency: str) -> int:
    return CURRENCY_EXPONENT.get(currency, 2)


def format_money(amount: int, currency: str) -> str:
    """``format_money(1250, "USD") == "$12.50"``; unknown currencies use the code."""
    places = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**places)
    number = f"{whole:,}" + (f".{fraction:0{places}d}" if places else "")
    symbol = CURRENCY_SYMBOL.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


def is_currency_code(code: str) -> bool:
    return len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()
