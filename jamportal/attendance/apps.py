from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "jamportal.attendance"
    verbose_name = _("Attendance")

    def ready(self):
        from jamportal.attendance import services
        from jamportal.jams.signals import jam_cancelled

        jam_cancelled.connect(services.signups_jam_cancelled, dispatch_uid="attendance.jam_cancelled")
        # --- series ---
        from jamportal.jams.signals import jam_moved

        jam_moved.connect(services.signups_jam_moved, dispatch_uid="attendance.jam_moved")
        from jamportal.jams.signals import series_dates_made

        series_dates_made.connect(services.sheets_series_dates_made, dispatch_uid="attendance.series_dates_made")
