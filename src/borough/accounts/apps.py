from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "borough.accounts"
    label = "accounts"
    verbose_name = "Accounts"
