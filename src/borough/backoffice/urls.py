from django.urls import path

from borough.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queues"),
    path("queues/<slug:slug>/", views.queue, name="queue"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/assign/", views.case_assign_view, name="case_assign"),
    path("cases/<str:reference>/status/", views.case_status_view, name="case_status"),
    path("cases/<str:reference>/notes/", views.case_note_view, name="case_note"),
    path("cases/<str:reference>/updates/", views.case_update_view, name="case_update"),
    path("cases/<str:reference>/transfer/", views.case_transfer_view, name="case_transfer"),
    path("cases/<str:reference>/close/", views.case_close_view, name="case_close"),
    path("cases/<str:reference>/duplicate/", views.case_duplicate_view, name="case_duplicate"),
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>/",
        views.case_attachment,
        name="case_attachment",
    ),
    path("cases/<str:reference>/audit/", views.case_audit, name="case_audit"),
]
