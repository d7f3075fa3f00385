from django.urls import path, re_path

from jamportal.feed import views

app_name = "feed"

urlpatterns = [
    path("jams/<str:slug>/booths/", views.booths, name="booths"),
    path("jams/<str:slug>/photos/", views.jam_photos, name="photos"),
    path("jams/<str:slug>/photos.json", views.jam_photos_json, name="photos-json"),
    path("booths/<int:pk>/revoke/", views.booth_revoke, name="revoke"),
    path("photos/<int:pk>/action/", views.photo_action, name="action"),
    path("photos/<int:pk>/<str:size>.jpg", views.photo_file, name="photo-file"),
    path("photos/<int:pk>/report/", views.photo_report, name="report"),
    path("campaigns/<slug:slug>/wall/", views.campaign_wall, name="wall"),
    path("campaigns/<slug:slug>/wall.json", views.campaign_wall_json, name="wall-json"),
    path("moderation/photos/", views.moderation, name="moderation"),
]

# --- take-home: a photo's own page, its address shown by the booth as a QR code ---
PHOTO_PAGE = r"^photo/(?P<token>[0-9a-f]{32})/"
urlpatterns += [
    re_path(rf"{PHOTO_PAGE}$", views.takehome, name="takehome"),
    re_path(rf"{PHOTO_PAGE}state\.json$", views.takehome_json, name="takehome-json"),
    re_path(rf"{PHOTO_PAGE}download/$", views.takehome_download, name="takehome-download"),
]
