from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "jamportal.feed"
    verbose_name = _("Photo feed")
