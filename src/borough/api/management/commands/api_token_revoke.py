"""borough manage api_token_revoke --prefix PREFIX

Stop a personal API token working, found by the first characters that
`api_token_create` printed (at least the "brg_" and 8 more).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from borough.api.models import ApiToken
from borough.api.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke a personal API token, by its prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", required=True, help="The token's first 12 characters")

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = str(options["prefix"]).strip()[:12]
        tokens = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)[:2])
        if len(prefix) < 12 or not tokens:
            raise CommandError(f"There is no active token starting {prefix}")
        if len(tokens) > 1:
            raise CommandError(f"More than one token starts {prefix}: revoke it in the admin")
        token = api_token_revoke(token=tokens[0])
        self.stdout.write(f"Revoked {token.prefix}… ({token.name})")
