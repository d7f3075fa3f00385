from django.urls import path

from jamportal.attendance import views

app_name = "attendance"

urlpatterns = [
    path("jams/<str:slug>/signup/", views.signup, name="signup"),
    path("signup/<str:token>/", views.mine, name="mine"),
    path("signup/<str:token>/cancel/", views.cancel, name="cancel"),
    path("signup/<str:token>/delete/", views.delete, name="delete"),
    # The organiser's list and tools
    # Check-in at the door
    path("jams/<str:slug>/check-in/", views.check_in, name="check-in"),
    path("jams/<str:slug>/check-in/list.json", views.check_in_list, name="check-in-list"),
    path("jams/<str:slug>/check-in/sync/", views.check_in_sync, name="check-in-sync"),
    path("jams/<str:slug>/check-in/offline.js", views.check_in_worker, name="check-in-worker"),
    # Reports
]
