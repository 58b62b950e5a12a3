from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "borough.backoffice"
    label = "backoffice"
    verbose_name = "Backoffice"
