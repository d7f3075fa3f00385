"""The embeds, under each language's prefix (/fr/embed/...); the snippets use the
address without it (`neutral`), which picks the visitor's language."""

from django.urls import path

from jamportal.embeds import views

app_name = "embeds"

urlpatterns = [
    path("jams/", views.embed_jam_list, name="jam-list"),
    path("jams/<str:slug>/", views.embed_jam, name="jam"),
    path("jams/<str:slug>/ours/", views.embed_organiser_jams, name="organiser-jams"),
    path("series/<int:pk>/", views.embed_series, name="series"),
    path("campaigns/<slug:slug>/map/", views.embed_campaign_map, name="campaign-map"),
    # Any other address (jam="a/b" makes one): the framed "not found", never the site's 404 (issue 22).
    path("<path:rest>", views.embed_missing, name="missing"),
]

# Language-neutral: /embed/<the path above>?lang=fr redirects to /fr/embed/<that path>.
neutral = [path("embed/<path:rest>", views.embed_in_language, name="embed-in-language")]
