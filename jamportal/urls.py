from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from jamportal import health, icons
from jamportal.accounts import views as account_views
from jamportal.embeds.urls import neutral as embeds_neutral
from jamportal.feed.api import bare_root as booth_api_bare_root
from jamportal.feed.api import urls as booth_api_urls
from jamportal.public_api import urls as public_api

# Language-neutral URLs: the admin, the language switch, the booth API and the health check (for machines).
urlpatterns = [
    path("health", health.health, name="health"),
    path("favicon.ico", icons.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("language/", account_views.language_switch, name="language-switch"),
    path("api/booth", booth_api_bare_root),
    path("api/booth/", booth_api_urls()),
    # The public read API: names in the language of ?lang= or Accept-Language (jamportal/public_api).
    path("api/v1", public_api.bare_root),
    path("api/v1/", public_api.urls()),
]

# Everything people read is under its language prefix (/fr/, /ja/...), the
# JSON API included: its links and messages are in that language, and a cache
# can key on the URL alone.
urlpatterns += i18n_patterns(
    # The home page and near-me first: Django tries the patterns in order, and trying
    # every app's before it cost 41 µs of a near-me search's 1.2 ms (docs/benchmarks.md).
    # The feed's before the Jams' only for moderation/photos/ (beside moderation/<slug>/).
    path("", include("jamportal.feed.urls")),
    path("", include("jamportal.jams.urls")),
    path("api/", include("jamportal.jams.api_urls")),
    path("dashboard/", account_views.dashboard, name="dashboard"),
    path("accounts/mine/", account_views.account, name="account"),
    path("accounts/mine/data.json", account_views.account_data, name="account-data"),
    path("accounts/mine/delete/", account_views.account_delete, name="account-delete"),
    path("accounts/", include("allauth.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("jamportal.kits.urls")),
    path("", include("jamportal.attendance.urls")),
    path("", include("jamportal.contact.urls")),  # --- contact ---
    path("", include("jamportal.alerts.urls")),  # --- alerts ---
    path("", include("jamportal.imports.urls")),  # imports
    path("embed/", include("jamportal.embeds.urls")),
)

# The embeds' snippets name no language: /embed/... picks the visitor's (jamportal/embeds).
urlpatterns += embeds_neutral

# Uploaded photos and posters (MEDIA_ROOT, the public storage): the development server
# serves them itself when DEBUG is on; in production nginx or the bucket does (docs/deployment.md).
# As nginx and the bucket do, caches must ask again each time: a photo taken down is gone at once.
urlpatterns += static(
    settings.MEDIA_URL, view=cache_control(public=True, no_cache=True)(serve), document_root=settings.MEDIA_ROOT
)
