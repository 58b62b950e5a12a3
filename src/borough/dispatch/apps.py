from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "borough.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch to contractors"
