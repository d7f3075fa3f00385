from django import forms
from django.utils.translation import gettext_lazy as _

from jamportal.cldr import formats as cldr_formats
from jamportal.cldr import names
from jamportal.forms import IdListField
from jamportal.kits import services
from jamportal.kits.models import KitItem, KitRequest
from jamportal.text import validate_single_line


class KitRequestForm(forms.ModelForm):
    """The shipping address and, for each item and size of the kit, how many."""

    class Meta:
        model = KitRequest
        fields = services.REQUEST_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args, kit, **kwargs):
        super().__init__(*args, **kwargs)
        self.kit = kit
        # The postcode is required where the chosen country uses postcodes: the server's
        # rule and the form's marker agree, and static/kits/postcode.js moves the
        # marker when another country is chosen.
        country = self.data.get("country") if self.is_bound else self.initial.get("country", self.instance.country)
        postcode = self.fields["postcode"]
        postcode.required = services.postcode_required(country or "")
        postcode.error_messages["required"] = _("This country uses postcodes: please give one.")
        postcode.widget.attrs["data-required-in"] = " ".join(services.countries_with_postcodes())
        postcode.help_text = _("Required in countries that use postcodes.")
        self.items = list(KitItem.objects.filter(kit=kit))
        current = (
            {(line.item_id, line.size): line.quantity for line in self.instance.lines.all()} if self.instance.pk else {}
        )
        self.quantity_names = []
        for item in self.items:
            for size in item.size_choices():
                name = f"quantity_{item.pk}_{size}"
                label = f"{item.name} ({size})" if size else item.name
                self.fields[name] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=item.max_per_request,
                    required=False,
                    help_text=_("Up to %(most)s.") % {"most": cldr_formats.format_number(item.max_per_request)},
                    initial=current.get((item.pk, size), 0),
                )
                self.quantity_names.append((name, item, size))

    def suggest(self, lines: dict, *, expected_attendees: int) -> None:
        """Start an unbound form from suggested quantities {(item, size): quantity}."""
        for name, item, size in self.quantity_names:
            self.fields[name].initial = lines.get((item, size), 0)
        self.fields["expected_attendees"].initial = expected_attendees

    def quantity_fields(self):
        return [self[name] for name, _item, _size in self.quantity_names]

    def lines(self) -> dict:
        """{(item, size): quantity} from the cleaned data."""
        return {(item, size): self.cleaned_data.get(name) or 0 for name, item, size in self.quantity_names}

    def clean_phone(self):
        validate_single_line(self.cleaned_data["phone"])  # its own message for control characters
        if problem := services.phone_problem(self.cleaned_data["phone"]):
            raise forms.ValidationError(problem)
        return services.phone_for_courier(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if (
            data.get("country")
            and "postcode" not in self.errors
            and (problem := services.postcode_problem(data["country"], data.get("postcode", "")))
        ):
            self.add_error("postcode", problem)
        if not any(name in self.errors for name, _item, _size in self.quantity_names):
            for problem in services.kit_lines_problems(self.kit, self.lines()):
                self.add_error(None, problem)
        return data


class ShipForm(forms.Form):
    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=50,
        widget=forms.TextInput(attrs={"list": "carriers"}),
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100)


class RejectKitForm(forms.Form):
    reason = forms.CharField(label=_("Why is this kit not approved?"), widget=forms.Textarea(attrs={"rows": 2}))


class StockForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=KitItem.objects.none())
    size = forms.CharField(label=_("Size"), max_length=20, required=False)
    quantity = forms.IntegerField(
        label=_("Quantity received"),
        min_value=-100_000,
        max_value=100_000,
        help_text=_("A negative number corrects a count."),
    )

    def __init__(self, *args, kit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = KitItem.objects.filter(kit=kit)


class CountryCodeField(forms.ChoiceField):
    """A select of countries that also takes a code typed in lower case (?country=fr)."""

    def to_python(self, value):
        return super().to_python(value).upper()


class DashboardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=lambda: [("", _("Any status")), *KitRequest.Status.choices], required=False
    )
    # The countries' names come from CLDR (jamportal.cldr), in the page's language and its order.
    country = CountryCodeField(
        label=_("Country"), choices=lambda: [("", _("Any country")), *names.country_choices()], required=False
    )


class ChosenRequestsForm(forms.Form):
    """Which requests a printout, an export or a bulk move is for: the ones named
    by id, else those in `status` (packed ones when no status is given)."""

    MAX_REQUESTS = 500

    requests = IdListField(max_count=MAX_REQUESTS, required=False)
    status = forms.ChoiceField(choices=[("", ""), *KitRequest.Status.choices], required=False)

    def clean_status(self):
        return self.cleaned_data["status"] if "status" in self.data else KitRequest.Status.PACKED

    def error_text(self) -> str:
        """Every error as plain text, one per line, named by its parameter."""
        lines = [f"{name}: {message}" for name, messages in self.errors.items() for message in messages]
        return "\n".join([str(_("Some parameters are not valid.")), *lines, ""])
