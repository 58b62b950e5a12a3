from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "borough.places"
    label = "places"
    verbose_name = "Places"
