from django.urls import path

from borough.insight import views

app_name = "insight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download/<slug:key>.csv", views.download, name="download"),
    path("<slug:slug>/costs/", views.costs, name="costs"),
    path("<slug:slug>/targets/", views.targets, name="targets"),
]
