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
    # Reports
]
