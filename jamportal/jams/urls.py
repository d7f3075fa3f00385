from django.urls import path

from jamportal.jams import api, views

app_name = "jams"

urlpatterns = [
    path("", views.home, name="home"),
    path("api/jams.geojson", api.jams_geojson, name="geojson"),
    path("jams/new/", views.jam_create, name="create"),
    path("jams/mine/", views.my_jams, name="mine"),
    path("jams/<str:slug>/", views.jam_detail, name="detail"),
    path("jams/<str:slug>/calendar.ics", views.jam_ics, name="ics"),
    path("jams/<str:slug>/edit/", views.jam_edit, name="edit"),
    path("jams/<str:slug>/cancel/", views.jam_cancel, name="cancel"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<str:slug>/", views.moderation_jam, name="moderate"),
]
