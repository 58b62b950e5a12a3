from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "borough.contacts"
    label = "contacts"
    verbose_name = "Contacts"
