"""The emails the accounts app sends, as plain text, through Django's send_mail.

Each is sent after the transaction that caused it commits (`transaction.on_commit`), so a
change that is rolled back sends nothing. Links are absolute, built from `base_url`: the
scheme and host the resident used (for example "https://services.example.gov.uk"), which
Django has checked against ALLOWED_HOSTS.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def _send(*, to: str, subject: str, template: str, context: dict[str, Any]) -> None:
    body = render_to_string(
        f"accounts/email/{template}.txt", {"site_name": settings.SITE_NAME, **context}
    )
    send_mail(subject, body, None, [to], fail_silently=False)


def email_send_on_commit(*, to: str, subject: str, template: str, **context: Any) -> None:
    """Send `accounts/email/<template>.txt` to `to` once the current transaction commits."""
    # robust: a mail server that is down is logged, and does not turn the page into an error
    # after the change has been saved (the resident can ask for the link again).
    transaction.on_commit(
        lambda: _send(to=to, subject=subject, template=template, context=context), robust=True
    )
