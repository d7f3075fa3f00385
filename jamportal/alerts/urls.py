from django.urls import path

from jamportal.alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/new/", views.alert_new, name="new"),
    path("alerts/sent/", views.alert_sent, name="sent"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alerts/demand/", views.demand, name="demand"),
]
