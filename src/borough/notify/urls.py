from django.urls import path

from borough.notify import views

app_name = "notify"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
