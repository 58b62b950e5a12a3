"""Money as GOV.UK style writes it. Amounts are integer pence throughout."""

from __future__ import annotations


def pounds(pence: int) -> str:
    """2550 -> "£25.50"; 100000 -> "£1,000.00"."""
    whole, part = divmod(int(pence), 100)
    return f"£{whole:,}.{part:02d}"
