from django.conf import settings
from django.urls import translate_url


def languages(request):
    """The same page in every language: for the switcher and hreflang links (and the
    cookie the switcher sets, for static/js/site.js)."""
    path = request.get_full_path()
    alternates = [{"code": code, "name": name, "url": _in_language(path, code)} for code, name in settings.LANGUAGES]
    return {
        "language_alternates": alternates,
        "language_cookie_name": settings.LANGUAGE_COOKIE_NAME,
        "site_url": settings.SITE_URL,
    }


def _in_language(path, code):
    """Every page people read is under its language's prefix and no address is
    translated, so another language's page is the same address under its prefix
    (resolving and reversing it twelve times was a sixth of a near-me search)."""
    prefix, slash, rest = path[1:].partition("/")
    if slash and prefix in _CODES:
        return f"/{code}/{rest}"
    return translate_url(path, code)


_CODES = {code for code, _name in settings.LANGUAGES}
