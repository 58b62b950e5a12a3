"""The one-click unsubscribe page linked from every email to a follower."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from borough.cases.services import case_unfollow
from borough.notify.selectors import unsubscribe_subject
from borough.notify.services import REPORTER_LINK_PREFIX, reporter_unsubscribe

# Longer than any token we issue (secrets.token_urlsafe(32) is 43 characters).
MAX_TOKEN_LENGTH = 64


# Exempt from CSRF, and only this view: mail clients send RFC 8058 one-click POSTs with no
# token. That is safe because a POST here can do one thing only: remove the follower that a
# 256-bit secret from their own email identifies, or stop the update emails to the reporter
# that a 160-bit HMAC of their case and address (also only in their own emails) identifies.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (so that link checkers and prefetchers unsubscribe nobody); POST does it.

    An unknown token gets the same pages as a known one, so the page reveals nothing.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        token = ""
    subject = unsubscribe_subject(token=token)
    context = {
        "reference": subject.reference if subject else "",
        "brand_colour": subject.brand_colour if subject else "",
    }
    if request.method == "POST":
        if token.startswith(REPORTER_LINK_PREFIX):
            reporter_unsubscribe(token=token)
        elif token:
            case_unfollow(token=token)
        return render(request, "notify/unsubscribed.html", context)
    response = render(request, "notify/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
