from django import template
from django.utils.formats import date_format, time_format
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
