from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "borough.cases"
    label = "cases"
    verbose_name = "Cases"
