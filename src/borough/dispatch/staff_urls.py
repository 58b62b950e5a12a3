from django.urls import path

from borough.dispatch import staff_views

app_name = "dispatch_staff"

urlpatterns = [
    path("", staff_views.dispatch_list, name="list"),
    path("<int:dispatch_id>/retry/", staff_views.dispatch_retry_view, name="retry"),
]
