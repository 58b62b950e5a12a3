from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from borough.catalogue.selectors import service_groups


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"groups": service_groups()})
