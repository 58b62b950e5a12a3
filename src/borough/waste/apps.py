from django.apps import AppConfig


class WasteConfig(AppConfig):
    name = "borough.waste"
    label = "waste"
    verbose_name = "Waste services"
