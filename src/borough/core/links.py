"""Absolute links for emails, which have no request to build them from.

Every emailed link is built from the `SITE_URL` setting, never from the Host of the request
that happened to cause the email.
"""

from __future__ import annotations

from django.conf import settings


def site_url(path: str = "") -> str:
    """An absolute URL on this site: site_url("/account/") -> "https://…/account/"."""
    return settings.SITE_URL.rstrip("/") + path
