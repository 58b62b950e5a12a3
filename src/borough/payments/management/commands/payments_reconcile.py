"""`borough payments_reconcile`: check unfinished payments with their provider now."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from borough.payments.services import payment_reconcile


class Command(BaseCommand):
    help = "Check unfinished payments with their provider; expire abandoned ones."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=5,
            help="Only payments created at least this many minutes ago (default: 5).",
        )

    def handle(self, *args: Any, older_than: int, **options: Any) -> None:
        result = payment_reconcile(older_than=timedelta(minutes=older_than))
        self.stdout.write(
            f"Checked {len(result.checked)}, finished {len(result.finished)}, "
            f"expired {len(result.expired)}, unreachable {len(result.unreachable)}"
        )
