"""The generation of each organisation's cached public figures (`public_views.public_figures`):
moving it on makes the next public page work the figures out afresh."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from borough.core.models import Organisation


def generation_key(organisation: Organisation) -> str:
    return f"insight:public:generation:{organisation.pk}"


def public_figures_forget(organisation: Organisation) -> None:
    """Drop `organisation`'s cached public figures once the current transaction commits (what
    they are worked out from has changed: a channel cost or a target)."""

    def forget() -> None:
        key = generation_key(organisation)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)

    transaction.on_commit(forget)
