from django.conf import settings
from django.urls import translate_url


def languages(request):
    """The same page in every language: for the switcher and hreflang links (and the
    cookie the switcher sets, for static/js/site.js)."""
    path = request.get_full_path()
    alternates = [{"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES]
    return {
        "language_alternates": alternates,
        "language_cookie_name": settings.LANGUAGE_COOKIE_NAME,
        "site_url": settings.SITE_URL,
    }
