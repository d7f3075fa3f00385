from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    """New organisers keep the language they signed up in, for the emails we send them."""

    def save_user(self, request, user, form, commit=True):
        user.language = get_language()
        return super().save_user(request, user, form, commit=commit)
