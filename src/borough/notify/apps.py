from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "borough.notify"
    label = "notify"
    verbose_name = "Notifications"
