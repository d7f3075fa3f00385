"""The site's addresses: each named page is reached by its own address, whatever the
order of the URL patterns (the busiest pages come first: resolving the home page went
through every other app's patterns, docs/benchmarks.md), and no Jam's slug can take
the address of another page."""

import re

from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern
from django.utils import translation
from django.utils.text import slugify

from jamportal.jams.services import RESERVED_SLUGS

SAMPLES = {"str": "some-jam", "slug": "some-jam", "int": "7", "path": "a/b"}
# The parameters of the regular-expression patterns (re_path; allauth's), by name.
SAMPLE_GROUPS = {"token": "0123456789abcdef" * 2, "key": "some-key", "uidb36": "7"}
# Left to their libraries: the admin's (its patterns are regular expressions) and
# ninja's routers (they answer anything under their root: an unknown address gets their 404).
OWN_ROUTERS = {"admin", "booth-api", "public-api"}


def named_patterns(resolver=None, namespaces=()):
    """(full name, pattern) of every named URL pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from named_patterns(pattern, inner)
        elif pattern.name:
            yield ":".join((*namespaces, pattern.name)), pattern


def sample_addresses():
    """{name: address} of every named page, its parameters filled with sample values."""
    addresses = {}
    with translation.override("en"):
        for name, pattern in named_patterns():
            if name.split(":")[0] in OWN_ROUTERS:
                continue
            if isinstance(pattern.pattern, RegexPattern):
                values = {key: SAMPLE_GROUPS[key] for key in pattern.pattern.regex.groupindex}
            else:
                converters = re.findall(r"<(?:(\w+):)?(\w+)>", str(pattern.pattern))
                values = {key: SAMPLES[kind or "str"] for kind, key in converters}
            addresses[name] = reverse(name, kwargs=values)
    return addresses


def test_every_named_page_is_reached_by_its_own_address():
    addresses = sample_addresses()
    assert len(addresses) > 100  # (the walk found the site's pages)
    with translation.override("en"):
        reached = {name: resolve(address).view_name for name, address in addresses.items()}
    assert {name: view for name, view in reached.items() if view != name} == {}


def test_no_jam_slug_can_take_another_pages_address():
    """A Jam's pages are `.../<slug>/...`; a page at the same place with a fixed word (the
    photo moderation queue at moderation/photos/ beside a Jam's at moderation/<slug>/)
    means that word is never a Jam's slug."""
    addresses = sample_addresses()
    slug_routes = [
        address.split("some-jam/")[0]
        for name, address in addresses.items()
        if name.startswith("jams:") and not name.startswith("jams:campaign") and "some-jam/" in address
    ]
    words = {
        rest.split("/")[0]
        for prefix in set(slug_routes)
        for address in addresses.values()
        if address.startswith(prefix) and "/" in (rest := address[len(prefix) :])
    }
    words = {word for word in words if word and slugify(word, allow_unicode=True) == word and word != "some-jam"}
    assert "photos" in words  # (the check sees the pages it is for)
    assert words <= RESERVED_SLUGS
