"""Money in integer minor units: exponents and display formatting."""

from __future__ import annotations

from commercegraph.services.currencies import ISO_4217_TRADABLE

# ISO 4217 minor units where they are not 2
CURRENCY_EXPONENT = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}
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
    """An active, tradable ISO 4217 code (not ``XXX``, ``XTS`` or a made-up ``QQQ``)."""
    return code in ISO_4217_TRADABLE
