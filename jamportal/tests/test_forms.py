"""Shared form parts."""

from django import forms
from django.test.html import parse_html

from jamportal.forms import LongSelect

CHOICES = [("", "All countries"), ("CI", "Côte d'Ivoire"), ("GB", "United Kingdom"), ("X&Y", "<b>odd</b>")]


def test_long_select_draws_what_djangos_select_draws():
    attrs = {"id": "id_country", "aria-describedby": "id_country_helptext", "required": True}

    for value in ["GB", "", None, "X&Y"]:
        ours = LongSelect(choices=CHOICES).render("country", value, attrs)
        djangos = forms.Select(choices=CHOICES).render("country", value, attrs)
        assert parse_html(ours) == parse_html(djangos)
        assert "<b>" not in ours


def test_long_select_draws_each_language_and_each_list_of_its_own():
    from django.utils import translation
    from django_countries import countries

    class Form(forms.Form):
        country = forms.ChoiceField(choices=lambda: [("GB", countries.name("GB"))], widget=LongSelect)

    with translation.override("en"):
        assert "United Kingdom" in str(Form()["country"])
    with translation.override("fr"):
        assert "Royaume-Uni" in str(Form()["country"])
    form = Form()
    form.fields["country"].choices = [("FR", "France")]
    assert ">France<" in str(form["country"])
    assert "United Kingdom" not in str(form["country"])
    assert "United Kingdom" in str(Form()["country"])  # the other forms keep their list


def test_long_select_is_required_as_djangos_select_is():
    for choices in [CHOICES, CHOICES[1:], []]:
        ours = forms.ChoiceField(choices=choices, widget=LongSelect).widget.use_required_attribute(None)
        djangos = forms.ChoiceField(choices=choices).widget.use_required_attribute(None)
        assert ours == djangos, choices
    assert LongSelect(choices=CHOICES).use_required_attribute(None) is True
    assert LongSelect(choices=CHOICES[1:]).use_required_attribute(None) is False
