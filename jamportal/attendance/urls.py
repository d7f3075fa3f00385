from django.urls import path

from jamportal.attendance import views

app_name = "attendance"

urlpatterns = [
    path("jams/<str:slug>/signup/", views.signup, name="signup"),
    path("signup/<str:token>/", views.mine, name="mine"),
    path("signup/<str:token>/cancel/", views.cancel, name="cancel"),
    path("signup/<str:token>/delete/", views.delete, name="delete"),
    # The organiser's list and tools
    path("jams/<str:slug>/attendees/", views.attendees, name="attendees"),
    path("jams/<str:slug>/attendees.csv", views.attendees_csv, name="attendees-csv"),
    path("jams/<str:slug>/attendees/message/", views.message, name="message"),
    path(
        "jams/<str:slug>/attendees/<int:pk>/<str:action>/",
        views.attendee_action,
        name="attendee-action",
    ),
    # Check-in at the door
    path("jams/<str:slug>/check-in/", views.check_in, name="check-in"),
    path("jams/<str:slug>/check-in/list.json", views.check_in_list, name="check-in-list"),
    path("jams/<str:slug>/check-in/sync/", views.check_in_sync, name="check-in-sync"),
    path("jams/<str:slug>/check-in/offline.js", views.check_in_worker, name="check-in-worker"),
    # Reports
    path("jams/<str:slug>/report/", views.jam_report, name="jam-report"),
    path("reports/", views.campaign_report_list, name="campaign-reports"),
    path("campaigns/<slug:slug>/report/", views.campaign_report, name="campaign-report"),
    path("campaigns/<slug:slug>/report.csv", views.campaign_report_csv, name="campaign-report-csv"),
    path("campaigns/<slug:slug>/report.pdf", views.campaign_report_pdf, name="campaign-report-pdf"),
]
