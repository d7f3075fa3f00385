from django.apps import AppConfig


class PublicApiConfig(AppConfig):
    name = "jamportal.public_api"
    label = "public_api"
    verbose_name = "Public read API"
