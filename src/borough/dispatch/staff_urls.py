from django.urls import URLPattern

app_name = "dispatch_staff"

urlpatterns: list[URLPattern] = []
