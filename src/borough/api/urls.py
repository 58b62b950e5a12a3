from django.urls import URLPattern, URLResolver, path

from borough.api.docs import docs_asset
from borough.api.endpoints import api

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/docs/assets/<str:name>", docs_asset, name="docs_asset"),
    path("v1/", api.urls),
]
