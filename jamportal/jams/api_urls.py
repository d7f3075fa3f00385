from django.urls import path

from jamportal.jams import api

app_name = "api"

urlpatterns = [
    path("jams.geojson", api.jams_geojson, name="jams-geojson"),
]
