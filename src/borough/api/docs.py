"""The interactive API docs page (Swagger UI) at /api/v1/docs.

Shown when DEBUG is on, or to a signed-in member of staff (who has given their two-factor
code where the back office asks for one); anyone else gets a 404. The OpenAPI document
itself (/api/v1/openapi.json) is open: it describes the code, which is open source, and
holds no data. Swagger UI's files are served from the django-ninja package, so the page
loads nothing from other sites.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from ninja.openapi.docs import Swagger

from borough.backoffice.access import is_staff_member
from borough.backoffice.two_factor import is_verified, two_factor_needed

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"})


def docs_visible(request: HttpRequest) -> bool:
    if settings.DEBUG:
        return True
    user = request.user
    return is_staff_member(user) and (is_verified(request) or not two_factor_needed(user))


class GatedSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        if not docs_visible(request):
            raise Http404("No page found")
        settings_json = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        response = render(
            request,
            "api/docs.html",
            {"api": api, "swagger_settings": settings_json},
        )
        patch_cache_control(response, private=True, no_store=True)
        return response


@require_safe
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of Swagger UI's files, from the installed django-ninja."""
    if name not in ASSETS:
        raise Http404("No file found")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS_DIR / name).open("rb"), content_type=content_type)
    patch_cache_control(response, public=True, max_age=86400)
    return response
