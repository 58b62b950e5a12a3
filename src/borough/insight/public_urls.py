from django.urls import URLPattern

app_name = "insight_public"

urlpatterns: list[URLPattern] = []
