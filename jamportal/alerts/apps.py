from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "jamportal.alerts"
    verbose_name = _("Jam alerts")

    def ready(self):
        from jamportal.alerts import services
        from jamportal.jams.signals import jam_approved

        jam_approved.connect(services.alerts_jam_approved, dispatch_uid="alerts.jam_approved")
