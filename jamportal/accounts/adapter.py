from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language

from jamportal import ratelimit


class AccountAdapter(DefaultAccountAdapter):
    """New organisers keep the language they signed up in, for the emails we send them."""

    def save_user(self, request, user, form, commit=True):
        user.language = get_language()
        return super().save_user(request, user, form, commit=commit)

    def get_client_ip(self, request):
        """The address our own limits count (behind JAMPORTAL_TRUSTED_PROXIES proxies,
        the one the nearest saw), so that allauth's login limits count visitors, not
        the proxy in front of the site, and work when gunicorn listens on a socket."""
        return ratelimit.client_ip(request) or super().get_client_ip(request)
