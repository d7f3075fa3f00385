from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jamportal.forms import HoneypotField


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with its honeypot hidden by our stylesheet rather
    than an inline style (which a Content-Security-Policy would block)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD] = HoneypotField()


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form in the site's words (sentence case)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")


class DeleteAccountForm(forms.Form):
    """Closing an account: what happens to the Jams, and the password to be sure."""

    KEEP, REMOVE = "keep", "remove"
    jams = forms.ChoiceField(
        label=_("Your Jams"),
        choices=[
            (KEEP, _("Leave them on the map and in the lists, without my name or address")),
            (REMOVE, _("Remove them, with their photos, booths and kit requests")),
        ],
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
