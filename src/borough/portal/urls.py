from django.urls import path

from borough.portal import reports, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("services/<slug:slug>/", views.group, name="group"),
    path("service/<slug:code>/", views.start, name="start"),
    path("service/<slug:code>/check/", views.check, name="check"),
    path("service/<slug:code>/saved-answers/", views.resume, name="resume"),
    path("service/<slug:code>/done/<str:reference>/", views.done, name="done"),
    path("service/<slug:code>/get-updates/", views.same_problem_follow, name="same_problem_follow"),
    path("service/<slug:code>/following/<str:reference>/", views.following, name="following"),
    path("service/<slug:code>/<slug:slug>/", views.page, name="page"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<str:reference>/", reports.report, name="report"),
    path(
        "reports/<str:reference>/photos/<int:attachment_id>/",
        reports.report_photo,
        name="report_photo",
    ),
    path("follow/<str:token>/", reports.follow_link, name="follow_confirm"),
    path("map/areas.json", reports.map_area_list, name="map_areas"),
    path("map/reports.json", reports.map_report_list, name="map_reports"),
]
