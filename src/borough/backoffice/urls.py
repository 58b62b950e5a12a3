from django.urls import include, path

from borough.backoffice import (
    assisted_views,
    audit_views,
    case_action_views,
    contact_views,
    field_views,
    two_factor_views,
    views,
)

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queues"),
    path("queues/<slug:slug>/", views.queue, name="queue"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("two-factor/", two_factor_views.two_factor_verify, name="two_factor"),
    path("two-factor/set-up/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/assign/", views.case_assign_view, name="case_assign"),
    path("cases/<str:reference>/status/", views.case_status_view, name="case_status"),
    path("cases/<str:reference>/notes/", views.case_note_view, name="case_note"),
    path("cases/<str:reference>/updates/", views.case_update_view, name="case_update"),
    path("cases/<str:reference>/transfer/", views.case_transfer_view, name="case_transfer"),
    path("cases/<str:reference>/close/", views.case_close_view, name="case_close"),
    path("cases/<str:reference>/duplicate/", views.case_duplicate_view, name="case_duplicate"),
    path(
        "cases/<str:reference>/request-information/",
        case_action_views.case_request_information_view,
        name="case_request_information",
    ),
    path(
        "cases/<str:reference>/resident-reply/",
        case_action_views.case_resident_reply_view,
        name="case_resident_reply",
    ),
    path(
        "cases/<str:reference>/attachments/<int:attachment_id>/",
        views.case_attachment,
        name="case_attachment",
    ),
    path("cases/<str:reference>/audit/", views.case_audit, name="case_audit"),
    path("contacts/", contact_views.contact_list, name="contacts"),
    path("contacts/new/", contact_views.contact_new, name="contact_new"),
    path("assisted/", assisted_views.assisted, name="assisted"),
    path("assisted/caller/", assisted_views.assisted_caller, name="assisted_caller"),
    path("api-keys/", include("borough.open311.staff_urls")),
    path("audit/", audit_views.audit_search, name="audit"),
    path("audit/users/<int:user_id>/", audit_views.audit_user, name="audit_user"),
    # The field officers' page (field_views).
    path("field/", field_views.field_home, name="field"),
    path("field/report/", field_views.field_report, name="field_report"),
]
