from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbedsConfig(AppConfig):
    name = "jamportal.embeds"
    verbose_name = _("Embeds")
