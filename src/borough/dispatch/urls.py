from django.urls import path

from borough.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("webhooks/<int:endpoint_id>/updates", views.webhook_updates, name="webhook_updates"),
]
