from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "borough.portal"
    label = "portal"
    verbose_name = "Portal"
