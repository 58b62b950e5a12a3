from django.urls import path

from borough.waste import views

app_name = "waste"

urlpatterns = [
    path("bins/", views.lookup, name="lookup"),
    path("bins/<str:uprn>/", views.bin_days_page, name="bin_days"),
    path("bins/<str:uprn>/calendar.ics", views.calendar_feed, name="calendar"),
    path("bins/<str:uprn>/missed/", views.missed, name="missed"),
    path("bins/<str:uprn>/container/", views.container, name="container"),
    path("bins/<str:uprn>/assisted/", views.assisted, name="assisted"),
    path("bins/<str:uprn>/sent/", views.sent, name="sent"),
    path("staff/waste/", views.office, name="office"),
    path(
        "staff/waste/assisted/<str:reference>/approve/",
        views.assisted_approve,
        name="assisted_approve",
    ),
    path("staff/waste/crew/", views.crew_home, name="crew_home"),
    path("staff/waste/crew/<int:round_id>/", views.crew_round, name="crew_round"),
    path("waste/webhook/<slug:slug>/", views.webhook, name="webhook"),
]
