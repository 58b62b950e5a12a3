from django.urls import path

from borough.open311 import staff_views

app_name = "open311_staff"

urlpatterns = [
    path("", staff_views.apikey_list, name="list"),
    path("new/", staff_views.apikey_new, name="new"),
    path("<int:key_id>/revoke/", staff_views.apikey_revoke_view, name="revoke"),
]
