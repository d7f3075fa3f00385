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
    path("jams/<str:slug>/report/", views.jam_report, name="jam-report"),
    path("reports/", views.campaign_report_list, name="campaign-reports"),
    path("campaigns/<slug:slug>/report/", views.campaign_report, name="campaign-report"),
    path("campaigns/<slug:slug>/report.csv", views.campaign_report_csv, name="campaign-report-csv"),
    path("campaigns/<slug:slug>/report.pdf", views.campaign_report_pdf, name="campaign-report-pdf"),
]
