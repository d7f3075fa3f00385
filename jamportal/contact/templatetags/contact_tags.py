from django import template

from jamportal.contact import selectors

register = template.Library()


@register.simple_tag
def jam_takes_messages(jam):
    """For a Jam's page: whether to link to its contact form (the page is cached whole:
    the form is a page of its own)."""
    return selectors.takes_messages(jam) and bool(selectors.contact_recipients(jam))
