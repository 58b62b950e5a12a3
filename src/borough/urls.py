from django.contrib import admin
from django.urls import include, path

from borough.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("staff/", include("borough.backoffice.urls")),
    path("", include("borough.portal.urls")),
]
