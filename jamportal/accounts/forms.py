from allauth.account.forms import SignupForm as AllauthSignupForm
from django.conf import settings

from jamportal.forms import HoneypotField


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with its honeypot hidden by our stylesheet rather
    than an inline style (which a Content-Security-Policy would block)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD] = HoneypotField()
