from django.urls import path

from borough.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("services/<slug:slug>/", views.group, name="group"),
    path("service/<slug:code>/", views.start, name="start"),
    path("service/<slug:code>/check/", views.check, name="check"),
    path("service/<slug:code>/done/<str:reference>/", views.done, name="done"),
    path("service/<slug:code>/<slug:slug>/", views.page, name="page"),
]
