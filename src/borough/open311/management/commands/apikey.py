"""borough apikey create --organisation SLUG --name NAME [--extended-statuses] [--rate-limit N]
borough apikey list [--organisation SLUG]
borough apikey revoke PREFIX

`create` prints the new key once: only its hash is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from borough.core.models import Organisation
from borough.open311.models import DEFAULT_RATE_LIMIT, ApiKey
from borough.open311.services import ApiKeyInvalid, apikey_issue, apikey_revoke


class Command(BaseCommand):
    help = "Issue, list and revoke Open311 API keys."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Issue a key and print it once")
        create.add_argument("--organisation", required=True, help="The organisation's slug")
        create.add_argument("--name", required=True, help="Who will use the key")
        create.add_argument(
            "--extended-statuses",
            action="store_true",
            help="Give FixMyStreet's extended statuses instead of open and closed",
        )
        create.add_argument("--rate-limit", type=int, default=DEFAULT_RATE_LIMIT)
        listing = actions.add_parser("list", help="List keys (never the keys themselves)")
        listing.add_argument("--organisation", help="Only this organisation's keys")
        revoke = actions.add_parser("revoke", help="Revoke a key by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options)

    def _create(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"There is no organisation {options['organisation']}")
        try:
            api_key, raw_key = apikey_issue(
                organisation=organisation,
                name=options["name"],
                extended_statuses=options["extended_statuses"],
                rate_limit=options["rate_limit"],
            )
        except ApiKeyInvalid as refused:
            raise CommandError("; ".join(refused.errors.values())) from None
        self.stderr.write(
            f"Issued key {api_key.prefix}… for {api_key.name} ({organisation.name}). "
            "Copy it now: it cannot be shown again."
        )
        self.stdout.write(raw_key)

    def _list(self, options: dict[str, Any]) -> None:
        keys = ApiKey.objects.select_related("organisation")
        if options.get("organisation"):
            keys = keys.filter(organisation__slug=options["organisation"])
        for key in keys:
            state = "revoked" if key.revoked_at else "active"
            used = key.last_used_at.isoformat() if key.last_used_at else "never"
            self.stdout.write(
                f"{key.prefix}\t{key.organisation.slug}\t{key.name}\t{state}\tlast used {used}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        api_key = ApiKey.objects.filter(prefix=options["prefix"]).first()
        if api_key is None:
            raise CommandError(f"There is no key starting {options['prefix']}")
        apikey_revoke(api_key=api_key)
        self.stdout.write(f"Revoked {api_key.prefix}")
