"""Case references that are easy to read out on the phone.

A reference is the organisation's prefix and eight digits in two groups, the last digit a
Luhn check digit, e.g. "CDC-4827-3915". Digits only after the prefix: no O/0 or I/1 confusion,
and a mistyped digit or swapped pair is caught by the check digit before any lookup.
"""

from __future__ import annotations

import re
import secrets

_REFERENCE = re.compile(r"^([A-Z]{2,4})-?(\d{4})-?(\d{4})$")


def luhn_check_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def reference_generate(prefix: str) -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(7))
    if body[0] == "0":
        body = str(secrets.choice(range(1, 10))) + body[1:]
    digits = body + str(luhn_check_digit(body))
    return f"{prefix}-{digits[:4]}-{digits[4:]}"


def reference_normalise(value: str) -> str | None:
    """'cdc 48273915' -> 'CDC-4827-3915'; None when it is not a well-formed reference."""
    cleaned = re.sub(r"[\s.]+", "", value or "").upper()
    match = _REFERENCE.match(cleaned)
    if not match:
        return None
    prefix, first, second = match.groups()
    digits = first + second
    if luhn_check_digit(digits[:-1]) != int(digits[-1]):
        return None
    return f"{prefix}-{first}-{second}"
