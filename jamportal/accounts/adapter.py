from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from jamportal import ratelimit

# Where each kind of staff lands after signing in, in order of preference.
STAFF_LANDING = [
    ("jams.moderate_jam", "jams:moderation"),
    ("kits.fulfil_kits", "kits:kits"),
    ("feed.moderate_photo", "feed:moderation"),
]


@dataclass(frozen=True)
class PortalSite:
    """What allauth's emails call the site ("Hello from JamPortal!"): without
    django.contrib.sites it would name the host the request came to, "127.0.0.1:8000"."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(name="JamPortal", domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """New organisers keep the language they signed up in, for the emails we send them."""

    def save_user(self, request, user, form, commit=True):
        user.language = get_language()
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request):
        """Staff land on the work waiting for them (Jams to review, then kits, then
        reported photos); organisers on their dashboard. A ?next= still wins."""
        user = request.user
        for permission, url_name in STAFF_LANDING:
            if user.has_perm(permission):
                return reverse(url_name)
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        return super().send_mail(template_prefix, email, {"current_site": portal_site(), **context})

    def get_client_ip(self, request):
        """The address our own limits count (behind JAMPORTAL_TRUSTED_PROXIES proxies,
        the one the nearest saw), so that allauth's login limits count visitors, not
        the proxy in front of the site, and work when gunicorn listens on a socket."""
        return ratelimit.client_ip(request) or super().get_client_ip(request)
