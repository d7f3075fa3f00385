import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from jamportal.accounts.models import User
from jamportal.jams.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def confirmation_link(message):
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_signup_verifies_email_then_signs_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "grace@example.org", "password1": "b1rthday-cake-42", "password2": "b1rthday-cake-42"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mail.outbox[0].to == ["grace@example.org"]
    link = confirmation_link(mail.outbox[0])
    confirm = client.post(link.split("testserver", 1)[1])
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    assert User.objects.get().email == "grace@example.org"


def test_signup_with_mismatched_passwords_keeps_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "grace@example.org", "password1": "b1rthday-cake-42", "password2": "other"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "You must type the same password each time." in html
    assert 'value="grace@example.org"' in html
    assert not User.objects.exists()


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_signup_explains_a_weak_password_in_the_pages_language(client, language):
    """Django's own catalogue lacks some of its password checks in a few of our languages
    (locale-extra/ fills them in: found by the outsider pass on a Persian sign-up page)."""
    with translation.override(language):
        url = reverse("account_signup")
    for password in ("short", "password123", "84739203841"):
        html = client.post(url, {"email": "grace@example.org", "password1": password, "password2": password}).content
        assert b"This password" not in html
        assert b"This password is too common" not in html


def test_login_with_email_and_logout(client):
    user = UserFactory(email="ada@example.org")

    login = client.post(reverse("account_login"), {"login": "ada@example.org", "password": PASSWORD})
    signed_in_as = client.session.get("_auth_user_id")
    logout = client.post(reverse("account_logout"))

    assert login["Location"] == reverse("dashboard")
    assert signed_in_as == str(user.pk)
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_with_wrong_password_explains(client):
    UserFactory(email="ada@example.org")

    response = client.post(reverse("account_login"), {"login": "ada@example.org", "password": "nope"})

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_password_reset_sends_a_link(client):
    UserFactory(email="ada@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "ada@example.org"})

    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_signup_page_uses_the_site_layout(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert re.search(r'<a class="brand" href="/en/"><img [^>]*>JamPortal</a>', html)
    assert 'name="password2"' in html


def test_a_signup_from_a_bot_looks_fine_and_creates_nothing(client):
    page = client.get(reverse("account_signup")).content.decode()

    response = client.post(
        reverse("account_signup"),
        {"email": "bot@example.org", "password1": "b1rthday-cake-42", "password2": "b1rthday-cake-42", "website": "x"},
    )

    assert '<div class="honeypot" aria-hidden="true">' in page
    assert 'style="' not in page.split('<div class="honeypot"', 1)[1].split("</div>", 1)[0]
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not User.objects.exists()
    assert mail.outbox == []


def test_repeated_failed_logins_lock_the_account_for_a_while(client):
    user = UserFactory(email="ada@example.org")
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-guess"})

    locked = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert locked.status_code == 200
    assert "Too many failed login attempts. Try again later." in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_explained_in_the_visitors_language(client):
    user = UserFactory(email="ada@example.org")
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-guess"})

    french = client.post("/fr/accounts/login/", {"login": user.email, "password": PASSWORD}).content.decode()
    welsh = client.post("/cy/accounts/login/", {"login": user.email, "password": PASSWORD}).content.decode()

    assert "Trop de tentatives de connexion échouées" in french
    assert "Gormod o ymdrechion mewngofnodi aflwyddiannus" in welsh


def test_login_limits_count_visitors_behind_the_proxy_not_the_proxy(client, settings):
    """Behind nginx (JAMPORTAL_TRUSTED_PROXIES=1) every request comes from the proxy's
    address, or none at all over a socket: the limit on failed logins per address must
    count the visitor's address that the proxy forwards, as our own limits do."""
    settings.TRUSTED_PROXIES = 1
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    user = UserFactory(email="ada@example.org")
    guesser, ada = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, {"HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    for number in range(4):
        client.post(reverse("account_login"), {"login": f"guess{number}@example.org", "password": "x"}, **guesser)

    blocked = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, **guesser)
    over_a_socket = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="", **ada
    )

    assert "Too many failed login attempts. Try again later." in blocked.content.decode()
    assert over_a_socket.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_confirming_the_email_an_hour_later_still_signs_in(client):
    # People read the email later: the sign-up waiting in their browser must outlast it.
    client.post(
        reverse("account_signup"),
        {"email": "grace@example.org", "password1": "b1rthday-cake-42", "password2": "b1rthday-cake-42"},
    )
    session = client.session
    session["account_login"]["initiated_at"] -= 60 * 60
    session.save()

    confirm = client.post(confirmation_link(mail.outbox[0]).split("testserver", 1)[1])

    assert confirm["Location"] == reverse("dashboard")
    assert client.session.get("_auth_user_id") == str(User.objects.get().pk)


def test_sign_in_speaks_like_the_rest_of_the_site(client):
    UserFactory(email="ada@example.org")

    page = client.get(reverse("account_login")).content.decode()
    wrong = client.post(reverse("account_login"), {"login": "ada@example.org", "password": "nope"}).content.decode()

    assert "<h1>Sign in</h1>" in page
    assert "Remember me" in page
    assert "Sign In" not in page
    assert "Remember Me" not in page
    assert 'class="error-summary"' in wrong
    assert '<ul class="errorlist' not in wrong


def test_sign_up_and_email_pages_use_sentence_case(client):
    signup = client.get(reverse("account_signup")).content.decode()
    sent = client.post(
        reverse("account_signup"),
        {"email": "grace@example.org", "password1": "b1rthday-cake-42", "password2": "b1rthday-cake-42"},
        follow=True,
    ).content.decode()
    confirm = client.get(confirmation_link(mail.outbox[0]).split("testserver", 1)[1]).content.decode()

    assert "Sign Up" not in signup
    assert "<h1>Create your organiser account</h1>" in signup
    assert "<h1>Check your email</h1>" in sent
    assert "<h1>Confirm your email address</h1>" in confirm
