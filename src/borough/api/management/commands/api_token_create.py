"""borough manage api_token_create --email EMAIL --name NAME

Make a personal API token for a member of staff and print it, once: only its hash is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from borough.accounts.models import User
from borough.api.services import ApiTokenError, api_token_create


class Command(BaseCommand):
    help = "Make a personal API token for a member of staff (printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The member of staff's email address")
        parser.add_argument("--name", required=True, help="What the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"There is no user with the email address {email}")
        try:
            token, raw = api_token_create(user=user, name=options["name"])
        except ApiTokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"Token {token.prefix}… ({token.name}) for {user.email}. "
            "Copy it now: it cannot be shown again."
        )
        self.stdout.write(raw)
