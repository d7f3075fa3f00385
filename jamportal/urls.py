from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from jamportal.accounts import views as account_views

# Language-neutral URLs: the admin and the language switch.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("language/", account_views.language_switch, name="language-switch"),
]

# Everything people read is under its language prefix (/fr/, /ja/...), the
# JSON API included: its links and messages are in that language, and a cache
# can key on the URL alone.
urlpatterns += i18n_patterns(
    path("api/", include("jamportal.jams.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("jamportal.kits.urls")),
    path("", include("jamportal.jams.urls")),
)
