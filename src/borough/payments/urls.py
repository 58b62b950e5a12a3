from django.urls import path

from borough.payments import views

app_name = "payments"

urlpatterns = [
    path("return/<str:token>/", views.payment_return, name="return"),
    path("test/<str:provider_payment_id>/", views.test_card, name="test_card"),
    path("webhooks/govuk-pay/", views.govuk_pay_webhook, name="govuk_pay_webhook"),
]
