from django.urls import path

from jamportal.kits import views

app_name = "kits"

urlpatterns = [
    path("jams/<str:slug>/kit/", views.request_new, name="new"),
    path("kits/requests/<int:pk>/", views.request_detail, name="request"),
    path("kits/requests/<int:pk>/edit/", views.request_edit, name="edit"),
    path("kits/requests/<int:pk>/move/", views.request_move, name="move"),
    path("kits/", views.kit_list, name="kits"),
    path("kits/<int:kit_pk>/", views.dashboard, name="dashboard"),
    path("kits/<int:kit_pk>/stock/", views.stock, name="stock"),
    path("kits/<int:kit_pk>/packing-slips.pdf", views.packing_slips, name="packing-slips"),
    path("kits/<int:kit_pk>/labels.pdf", views.labels, name="labels"),
    path("kits/<int:kit_pk>/customs.pdf", views.customs, name="customs"),
    path("kits/<int:kit_pk>/batch.csv", views.export_csv, name="csv"),
]
