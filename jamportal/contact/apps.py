from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "jamportal.contact"
    verbose_name = _("Messages to organisers")
