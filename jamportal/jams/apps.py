from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JamsConfig(AppConfig):
    name = "jamportal.jams"
    verbose_name = _("Jams")
