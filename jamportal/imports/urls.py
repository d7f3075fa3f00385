from django.urls import path

from jamportal.imports import views

app_name = "imports"

urlpatterns = [
    path("calendars/", views.sources, name="sources"),
    path("calendars/<int:pk>/", views.source, name="source"),
    path("calendars/<int:pk>/sync/", views.sync, name="sync"),
    path("calendars/<int:pk>/events/<int:event>/place/", views.place, name="place"),
    path("calendars/<int:pk>/delete/", views.delete, name="delete"),
]
