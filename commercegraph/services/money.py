"""Money in integer minor units: exponents and display formatting."""

from __future__ import annotations

from dataclasses import dataclass

from commercegraph.services.currencies import ISO_4217_TRADABLE

# ISO 4217 minor units where they are not 2
CURRENCY_EXPONENT = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}
CURRENCY_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}


def exponent(currency: str) -> int:
    return CURRENCY_EXPONENT.get(currency, 2)


NBSP, NNBSP = "\u00a0", "\u202f"


@dataclass(frozen=True, slots=True)
class NumberStyle:
    group: str
    decimal: str
    symbol_first: bool


ENGLISH = NumberStyle(",", ".", symbol_first=True)
# by language: how CLDR writes amounts of money there ("1.234,50 €" in German)
NUMBER_STYLES = {
    "en": ENGLISH,
    "de": NumberStyle(".", ",", symbol_first=False),
    "fr": NumberStyle(NNBSP, ",", symbol_first=False),
    "es": NumberStyle(".", ",", symbol_first=False),
    "it": NumberStyle(".", ",", symbol_first=False),
    "nl": NumberStyle(".", ",", symbol_first=True),
}


def format_money(amount: int, currency: str, locale: str | None = None) -> str:
    """``format_money(1250, "USD") == "$12.50"``, ``format_money(123450, "EUR", "de-DE") ==
    "1.234,50\u00a0€"``; unknown currencies use the code, unknown languages English."""
    style = NUMBER_STYLES.get((locale or "en").replace("_", "-").split("-")[0].lower(), ENGLISH)
    places = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**places)
    number = f"{whole:,}".replace(",", style.group)
    if places:
        number += f"{style.decimal}{fraction:0{places}d}"
    symbol = CURRENCY_SYMBOL.get(currency)
    if style.symbol_first:
        return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
    return f"{sign}{number}{NBSP}{symbol or currency}"


def is_currency_code(code: str) -> bool:
    """An active, tradable ISO 4217 code (not ``XXX``, ``XTS`` or a made-up ``QQQ``)."""
    return code in ISO_4217_TRADABLE
