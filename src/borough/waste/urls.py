from django.urls import path

from borough.waste import views
from borough.waste.planning import views as planning_views

app_name = "waste"

urlpatterns = [
    path("bins/", views.lookup, name="lookup"),
    path("bins/<str:uprn>/", views.bin_days_page, name="bin_days"),
    path("bins/<str:uprn>/calendar.ics", views.calendar_feed, name="calendar"),
    path("bins/<str:uprn>/missed/", views.missed, name="missed"),
    path("bins/<str:uprn>/container/", views.container, name="container"),
    path("bins/<str:uprn>/assisted/", views.assisted, name="assisted"),
    path("bins/<str:uprn>/sent/", views.sent, name="sent"),
    path("bins/<str:uprn>/caller/", views.caller, name="caller"),
    path("bins/<str:uprn>/bulky/", views.bulky_start, name="bulky_start"),
    path("bins/<str:uprn>/bulky/items/", views.bulky_items, name="bulky_items"),
    path("bins/<str:uprn>/bulky/date/", views.bulky_date, name="bulky_date"),
    path("bins/<str:uprn>/bulky/details/", views.bulky_details, name="bulky_details"),
    path("bins/<str:uprn>/bulky/check/", views.bulky_check, name="bulky_check"),
    path("bins/<str:uprn>/bulky/<int:booking_id>/", views.bulky_booking, name="bulky_booking"),
    path("bins/<str:uprn>/bulky/<int:booking_id>/cancel/", views.bulky_cancel, name="bulky_cancel"),
    path("bins/<str:uprn>/bulky/<int:booking_id>/change/", views.bulky_change, name="bulky_change"),
    path(
        "bins/<str:uprn>/container/<int:request_id>/",
        views.container_request_page,
        name="container_request",
    ),
    path("bins/<str:uprn>/garden/", views.garden_start, name="garden_start"),
    path("bins/<str:uprn>/garden/subscribe/", views.garden_subscribe, name="garden_subscribe"),
    path("bins/<str:uprn>/garden/renew/", views.garden_renew, name="garden_renew"),
    path("bins/<str:uprn>/garden/check/", views.garden_check, name="garden_check"),
    path(
        "bins/<str:uprn>/garden/<int:subscription_id>/",
        views.garden_subscription,
        name="garden_subscription",
    ),
    path(
        "bins/<str:uprn>/garden/<int:subscription_id>/cancel/",
        views.garden_cancel,
        name="garden_cancel",
    ),
    path("staff/waste/", views.office, name="office"),
    path(
        "staff/waste/assisted/<str:reference>/approve/",
        views.assisted_approve,
        name="assisted_approve",
    ),
    path("staff/waste/bulky/", views.bulky_office, name="bulky_office"),
    path("staff/waste/garden/", views.garden_office, name="garden_office"),
    path("staff/waste/crew/", views.crew_home, name="crew_home"),
    path("staff/waste/crew/<int:round_id>/", views.crew_round, name="crew_round"),
    path("staff/waste/planning/", planning_views.plans, name="round_plans"),
    path("staff/waste/planning/new/", planning_views.plan_new, name="round_plan_new"),
    path(
        "staff/waste/planning/settings/",
        planning_views.planner_settings_page,
        name="round_planner_settings",
    ),
    path("staff/waste/planning/<int:plan_id>/", planning_views.plan_page, name="round_plan"),
    path(
        "staff/waste/planning/<int:plan_id>/progress.json",
        planning_views.plan_progress,
        name="round_plan_progress",
    ),
    path(
        "staff/waste/planning/<int:plan_id>/rounds.geojson",
        planning_views.plan_map,
        name="round_plan_map",
    ),
    path("waste/webhook/<slug:slug>/", views.webhook, name="webhook"),
]
