"""The language switcher's addresses."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import translate_url
from django.utils import translation

from jamportal.context_processors import languages


@pytest.mark.parametrize(
    "path",
    ["/en/", "/fa/?q=Douala&around=4.05,9.7", "/pt-br/jams/some-jam/", "/zh-hant/campaigns/", "/health", "/", "/en"],
)
def test_each_language_gets_the_address_django_would_give_it(path):
    # As LocaleMiddleware does: the page's language is active while it is drawn.
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        alternates = languages(RequestFactory().get(path))["language_alternates"]
        expected = [translate_url(path, code) for code, _name in settings.LANGUAGES]

    assert [a["code"] for a in alternates] == [code for code, _name in settings.LANGUAGES]
    assert [a["url"] for a in alternates] == expected
