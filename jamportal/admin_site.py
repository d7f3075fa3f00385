"""Admin autodiscovery that skips django-leaflet's admin module.

`leaflet.admin` imports GeoDjango, which needs the GDAL C library. We store
plain latitude/longitude fields and never use GeoDjango, so that module is not
loaded; the template tags we do use need nothing from it.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule

SKIPPED = {"leaflet"}


class AdminConfig(SimpleAdminConfig):
    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.name not in SKIPPED and module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
