import factory

from jamportal.attendance import services
from jamportal.attendance.models import SignupSheet
from jamportal.jams.tests.factories import JamFactory


class SignupSheetFactory(factory.django.DjangoModelFactory):
    """A Jam taking sign-ups here, 10 places."""

    class Meta:
        model = SignupSheet

    jam = factory.SubFactory(JamFactory)
    capacity = 10


def sign_up(jam, *, name="Ada", email=None, adults=1, children=0, **extra):
    """A sign-up through the service, as the form makes it: (signup, token)."""
    email = email or f"{name.lower().replace(' ', '.')}@example.org"
    return services.signup_create(jam, name=name, email=email, adults=adults, children=children, **extra)
