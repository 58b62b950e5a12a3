"""The "Cymraeg" / "English" switch in every page's footer: a plain link, `?lang=cy`, so it
works without JavaScript and from the keyboard like any link.

`LanguageSwitchMiddleware` (before Django's `LocaleMiddleware`) takes a `lang` that is one of
`LANGUAGES`, keeps it in Django's language cookie and sends the browser back to the same
address without `lang` (so the choice is not left in links people share). Anything else in
`lang` is ignored. Only the same path is ever redirected to, so it cannot send anyone away.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

PARAMETER = "lang"


class LanguageSwitchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.GET.get(PARAMETER) if request.method in ("GET", "HEAD") else None
        if chosen is None:
            return self.get_response(request)
        query = request.GET.copy()
        del query[PARAMETER]
        # One leading slash: "//host/" would be another site.
        path = "/" + request.path.lstrip("/\\")
        target = path + (f"?{query.urlencode()}" if query else "")
        response = HttpResponseRedirect(target)
        if chosen in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=365 * 24 * 60 * 60,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
        return response
