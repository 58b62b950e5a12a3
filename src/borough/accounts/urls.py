from django.urls import path

from borough.accounts import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/check-your-email/", views.register_check_email, name="register_check_email"),
    path("verify-email/send-again/", views.verify_email_send, name="verify_email_send"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path(
        "password-reset/check-your-email/",
        views.password_reset_sent,
        name="password_reset_sent",
    ),
    path("password-reset/done/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<str:uidb64>/set-password/",
        views.password_reset_new,
        name="password_reset_set",
    ),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("account/", views.account, name="account"),
    path("account/requests/<str:reference>/", views.request_detail, name="request"),
    path("account/profile/", views.profile, name="profile"),
    path("account/profile/name/", views.profile_name, name="profile_name"),
    path("account/profile/phone/", views.profile_phone, name="profile_phone"),
    path("account/profile/contact/", views.profile_contact, name="profile_contact"),
    path("account/profile/address/", views.profile_address, name="profile_address"),
    path(
        "account/profile/address/choose/",
        views.profile_address_choose,
        name="profile_address_choose",
    ),
    path("account/profile/help/", views.profile_assistance, name="profile_assistance"),
    path(
        "account/profile/help/details/",
        views.profile_assistance_notes,
        name="profile_assistance_notes",
    ),
    path("account/profile/email/", views.email_change, name="email_change"),
    path("account/delete/", views.delete, name="delete"),
    path("account/deleted/", views.deleted, name="deleted"),
]
