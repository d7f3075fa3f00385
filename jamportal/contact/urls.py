from django.urls import path

from jamportal.contact import views

app_name = "contact"

urlpatterns = [
    path("jams/<str:slug>/contact/", views.contact, name="contact"),
    path("jams/<str:slug>/contact/sent/", views.sent, name="sent"),
    path("contact/report/<str:token>/", views.report, name="report"),
]
