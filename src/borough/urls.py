from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from borough.core import views as core_views

if settings.STAFF_TWO_FACTOR:
    # The Django admin asks for the second factor too (django-otp's documented way).
    admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("staff/insight/", include("borough.insight.urls")),
    path("staff/dispatch/", include("borough.dispatch.staff_urls")),
    path("staff/", include("borough.backoffice.urls")),
    path("open311/", include("borough.open311.urls")),
    path("api/", include("borough.api.urls")),
    path("integrations/", include("borough.dispatch.urls")),
    path("performance/", include("borough.insight.public_urls")),
    path("pay/", include("borough.payments.urls")),
    path("", include("borough.waste.urls")),
    path("", include("borough.notify.urls")),
    path("", include("borough.accounts.urls")),
    path("", include("borough.portal.urls")),
]
