from django import template

from jamportal.cldr import formats

register = template.Library()


@register.filter
def jam_when(jam):
    """When a Jam happens, in the Jam's own timezone, as the page's language writes it
    (CLDR): "March 3, 2031, 10:00 AM – 4:00 PM" for one day, both dates when it spans several."""
    return formats.format_datetime_range(jam.local_start, jam.local_end)


@register.filter
def distance(km, miles=False):
    """ "12 km", "7.5 mi", "850 m", "۱۲ کیلومتر" in the visitor's language."""
    return formats.format_distance(km, miles=miles)
