from django.urls import path

from jamportal.jams import api

app_name = "api"

urlpatterns = [
    path("jams.geojson", api.jams_geojson, name="jams-geojson"),
    path("places/suggest", api.place_suggestions, name="place-suggest"),
    path("places/timezone", api.timezone_at_point, name="place-timezone"),
    path("places/check", api.place_check, name="place-check"),
]
