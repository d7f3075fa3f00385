from django import template
from django.utils.formats import date_format, number_format, time_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def jam_when(jam):
    """When a Jam happens, in the Jam's own timezone and the visitor's date format.

    "3 March 2018, 10:00–16:00" for one day, with both dates when it spans several.
    """
    start, end = jam.local_start, jam.local_end
    if start.date() == end.date():
        return _("%(date)s, %(start)s–%(end)s") % {
            "date": date_format(start),
            "start": time_format(start),
            "end": time_format(end),
        }
    return _("%(start_date)s, %(start)s – %(end_date)s, %(end)s") % {
        "start_date": date_format(start),
        "start": time_format(start),
        "end_date": date_format(end),
        "end": time_format(end),
    }


KM_PER_MILE = 1.609344


@register.filter
def distance(km, miles=False):
    """ "12 km", "7.5 mi", "850 m" in the visitor's number format."""
    if miles:
        return _("%(distance)s mi") % {"distance": _number(km / KM_PER_MILE)}
    if km < 1:
        return _("%(distance)s m") % {"distance": number_format(round(km * 1000, -1), 0, force_grouping=True)}
    return _("%(distance)s km") % {"distance": _number(km)}


def _number(value):
    """One decimal below 10, none above; rounded (number_format would truncate)."""
    places = 1 if value < 10 else 0
    return number_format(round(value, places), places, force_grouping=True)
