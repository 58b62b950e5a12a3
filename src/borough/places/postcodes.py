"""UK postcodes: normalising and checking the format (not whether the postcode exists)."""

from __future__ import annotations

import re

# The format of a UK postcode (outward code, space, inward code), as in BS7666.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def postcode_key(value: str) -> str:
    """The lookup form of a postcode: upper case, no spaces."""
    return re.sub(r"\s+", "", value or "").upper()


def postcode_normalise(value: str) -> str | None:
    """'dt11aa ' -> 'DT1 1AA'; None when it is not in the shape of a UK postcode."""
    match = _POSTCODE.match(postcode_key(value))
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"
