"""Small rules of English the gateway's messages follow: "an administrator", "1 request"."""

from __future__ import annotations


def article(word: str) -> str:
    """``word`` with its indefinite article: "a supervisor", "an administrator", "an overseer"."""
    return ("an " if word[:1].lower() in "aeiou" and word else "a ") + word


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and the noun agreeing with it, with thousands separators: "1 request", "2,000 requests"."""
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"
