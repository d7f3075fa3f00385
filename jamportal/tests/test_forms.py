"""Shared form parts."""

from django import forms
from django.test.html import parse_html

from jamportal.forms import LongSelect, LongSelectMultiple

CHOICES = [("", "All countries"), ("CI", "Côte d'Ivoire"), ("GB", "United Kingdom"), ("X&Y", "<b>odd</b>")]


def test_long_select_draws_what_djangos_select_draws():
    attrs = {"id": "id_country", "aria-describedby": "id_country_helptext", "required": True}

    for value in ["GB", "", None, "X&Y"]:
        ours = LongSelect(choices=CHOICES).render("country", value, attrs)
        djangos = forms.Select(choices=CHOICES).render("country", value, attrs)
        assert parse_html(ours) == parse_html(djangos)
        assert "<b>" not in ours


def test_long_select_multiple_keeps_every_choice():
    ours = LongSelectMultiple(choices=CHOICES, attrs={"size": 6}).render("spoken", ["CI", "GB"], {"id": "id_spoken"})
    djangos = forms.SelectMultiple(choices=CHOICES, attrs={"size": 6}).render(
        "spoken", ["CI", "GB"], {"id": "id_spoken"}
    )

    assert parse_html(ours) == parse_html(djangos)
    assert ours.count(" selected") == 2
