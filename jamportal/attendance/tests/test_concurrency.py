"""Fifty people take the last ten places at the same moment: each in a thread of its
own with its own database connection, released together. Runs on SQLite here and on
PostgreSQL in make test's second pass."""

import threading

import pytest
from django.db import connection

from jamportal.attendance.models import Signup
from jamportal.attendance.tests.factories import SignupSheetFactory, sign_up

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEOPLE, PLACES = 50, 10


def test_fifty_people_at_once_take_exactly_the_ten_places():
    sheet = SignupSheetFactory(capacity=PLACES)
    ready = threading.Barrier(PEOPLE)
    errors = []

    def one(number):
        try:
            ready.wait()
            sign_up(sheet.jam, name=f"Person {number}")
        except Exception as error:  # every failure is the test's finding
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(number,)) for number in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = list(Signup.objects.values_list("status", flat=True))
    assert statuses.count(Signup.Status.PLACE) == PLACES
    assert statuses.count(Signup.Status.WAITING) == PEOPLE - PLACES
    # Those waiting are in the order they came: the first to wait got no place after a later one.
    placed = Signup.objects.filter(status=Signup.Status.PLACE).order_by("place_given_at", "pk")
    assert max(s.created_at for s in placed) <= min(
        Signup.objects.filter(status=Signup.Status.WAITING).values_list("created_at", flat=True)
    )
