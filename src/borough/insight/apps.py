from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "borough.insight"
    label = "insight"
    verbose_name = "Insight"
