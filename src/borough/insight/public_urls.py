from django.urls import path

from borough.insight import public_views

app_name = "insight_public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<slug:slug>/", public_views.organisation_page, name="organisation"),
    path("<slug:slug>/<slug:key>.csv", public_views.organisation_download, name="download"),
]
