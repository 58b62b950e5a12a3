from django.urls import path

from borough.waste.planning import views as planning_views
from borough.waste.views import bin_days, bulky, caller, crews, garden, office, reports

app_name = "waste"

urlpatterns = [
    path("bins/", bin_days.lookup, name="lookup"),
    path("bins/<str:uprn>/", bin_days.bin_days_page, name="bin_days"),
    path("bins/<str:uprn>/calendar.ics", bin_days.calendar_feed, name="calendar"),
    path("bins/<str:uprn>/missed/", reports.missed, name="missed"),
    path("bins/<str:uprn>/container/", reports.container, name="container"),
    path("bins/<str:uprn>/assisted/", reports.assisted, name="assisted"),
    path("bins/<str:uprn>/sent/", reports.sent, name="sent"),
    path("bins/<str:uprn>/caller/", caller.caller, name="caller"),
    path("bins/<str:uprn>/bulky/", bulky.bulky_start, name="bulky_start"),
    path("bins/<str:uprn>/bulky/items/", bulky.bulky_items, name="bulky_items"),
    path("bins/<str:uprn>/bulky/date/", bulky.bulky_date, name="bulky_date"),
    path("bins/<str:uprn>/bulky/details/", bulky.bulky_details, name="bulky_details"),
    path("bins/<str:uprn>/bulky/check/", bulky.bulky_check, name="bulky_check"),
    path("bins/<str:uprn>/bulky/<int:booking_id>/", bulky.bulky_booking, name="bulky_booking"),
    path("bins/<str:uprn>/bulky/<int:booking_id>/cancel/", bulky.bulky_cancel, name="bulky_cancel"),
    path("bins/<str:uprn>/bulky/<int:booking_id>/change/", bulky.bulky_change, name="bulky_change"),
    path(
        "bins/<str:uprn>/container/<int:request_id>/",
        reports.container_request_page,
        name="container_request",
    ),
    path("bins/<str:uprn>/garden/", garden.garden_start, name="garden_start"),
    path("bins/<str:uprn>/garden/subscribe/", garden.garden_subscribe, name="garden_subscribe"),
    path("bins/<str:uprn>/garden/renew/", garden.garden_renew, name="garden_renew"),
    path("bins/<str:uprn>/garden/check/", garden.garden_check, name="garden_check"),
    path(
        "bins/<str:uprn>/garden/<int:subscription_id>/",
        garden.garden_subscription,
        name="garden_subscription",
    ),
    path(
        "bins/<str:uprn>/garden/<int:subscription_id>/cancel/",
        garden.garden_cancel,
        name="garden_cancel",
    ),
    path("staff/waste/", office.office, name="office"),
    path(
        "staff/waste/assisted/<str:reference>/approve/",
        office.assisted_approve,
        name="assisted_approve",
    ),
    path("staff/waste/bulky/", bulky.bulky_office, name="bulky_office"),
    path("staff/waste/garden/", garden.garden_office, name="garden_office"),
    path("staff/waste/crew/", crews.crew_home, name="crew_home"),
    path("staff/waste/crew/<int:round_id>/", crews.crew_round, name="crew_round"),
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
    path("waste/webhook/<slug:slug>/", crews.webhook, name="webhook"),
]
