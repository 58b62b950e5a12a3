from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt

from borough.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns: list[URLPattern] = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(
        r"^v2/services/(?P<code>[A-Za-z0-9_\-]{1,100})" + FMT,
        views.service_definition,
        name="service",
    ),
    re_path(r"^v2/requests" + FMT, views.requests, name="requests"),
    re_path(
        r"^v2/requests/(?P<reference>[A-Za-z0-9\-]{1,40})" + FMT,
        views.request_detail,
        name="request",
    ),
    re_path(r"^v2/tokens/(?P<token>[A-Za-z0-9_\-]{1,64})" + FMT, views.token_detail, name="token"),
    re_path(r"^v2/servicerequestupdates" + FMT, views.updates, name="updates"),
    re_path(r"^.*\.json$", csrf_exempt(views.unknown), {"fmt": "json"}),
    re_path(r"^.*$", csrf_exempt(views.unknown)),
]
