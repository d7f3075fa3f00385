"""Things people subscribe to: iCalendar feeds (icalendar) and the Atom feed of
newly approved Jams (Django's syndication framework). Both take the same
filters as the list, near-me included."""

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jamportal.jams import selectors
from jamportal.jams.api import bad_parameters
from jamportal.jams.forms import JamFilterForm
from jamportal.jams.templatetags.jam_tags import jam_when
from jamportal.pagecache import public_page
from jamportal.text import without_control_characters

FEED_LIMIT = 500


def jam_event(jam) -> icalendar.Event:
    """One Jam as a VEVENT in its own timezone. The UID never changes, so
    calendars update an edited Jam in place; a cancelled Jam says so."""
    event = icalendar.Event()
    event.add("uid", f"jam-{jam.pk}@jamportal")
    event.add("dtstamp", timezone.now())
    event.add("last-modified", jam.updated_at)
    # Stored text should hold no control characters (jamportal.text), but one stored before
    # the rule, or by a path that skipped it, must not break every subscriber's file: each
    # text goes without them (icalendar escapes the line breaks and tabs it keeps).
    event.add("summary", without_control_characters(jam.display_title))
    event.add("dtstart", jam.local_start)
    event.add("dtend", jam.local_end)
    place = [jam.venue_name, jam.public_address, jam.city, str(jam.country.name)]
    event.add("location", without_control_characters(", ".join(part for part in place if part)))
    event.add("geo", (jam.public_latitude, jam.public_longitude))
    description = jam.translation.description if jam.translation else jam.description
    event.add("description", without_control_characters(description))
    event.add("url", settings.SITE_URL + jam.get_absolute_url())
    event.add("status", "CANCELLED" if jam.status == jam.Status.CANCELLED else "CONFIRMED")
    return event


def calendar_response(jams, *, name, filename, as_attachment=False) -> HttpResponse:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//JamPortal//Raspberry Jams//EN")
    calendar.add("version", "2.0")
    # As TEXT, escaped like SUMMARY: icalendar leaves an X- property it does not
    # know as it is, and a line break in a name would break the file.
    calendar.add("x-wr-calname", icalendar.vText(without_control_characters(name)))
    for jam in jams:
        calendar.add_component(jam_event(jam))
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


def filtered_jams(request, **fixed):
    """(Jams for a feed, form): upcoming and cancelled-after-approval Jams matching
    the request's filters; near-me ones when `around` is given."""
    form = JamFilterForm(request.GET)
    if not form.is_valid():
        return None, form
    filters = {**form.filters(), **fixed}
    jams = selectors.jam_list_public(**filters, language=request.LANGUAGE_CODE, include_cancelled=True)
    if near := form.near():
        return selectors.jams_near(jams, **near, language=request.LANGUAGE_CODE), form
    return list(jams[:FEED_LIMIT]), form


@require_GET
@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def jams_calendar(request, slug=None):
    """All upcoming Jams, one campaign's, one country's or those around a point."""
    campaign = selectors.campaign_get_or_404(slug) if slug else None
    jams, form = filtered_jams(request, **({"campaign": campaign} if campaign else {}))
    if jams is None:
        return bad_parameters(form)
    name = campaign.name if campaign else _("Raspberry Jams")
    return calendar_response(jams, name=name, filename=f"{slug or 'jams'}.ics")


class XML10Atom1Feed(Atom1Feed):
    """Atom that XML 1.0 can hold whatever was stored: Django's generator refuses a
    control character with an exception, which made the whole feed a 500 for
    everyone. Each text goes without them (XML 1.0 holds tabs and line breaks)."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(_xml10(title), link, _xml10(description), **_all_xml10(kwargs))

    def add_item(self, title, link, description, **kwargs):
        super().add_item(_xml10(title), link, _xml10(description), **_all_xml10(kwargs))


def _xml10(value):
    return without_control_characters(value) if isinstance(value, str) else value


def _all_xml10(fields):
    return {name: _xml10(value) for name, value in fields.items()}


class NewJamsFeed(Feed):
    """Newly approved Jams, newest first, with the list's filters."""

    feed_type = XML10Atom1Feed

    def get_object(self, request):
        """The matching Jams: one Feed instance serves every request, so the
        request's state travels as this object, never on `self`."""
        jams, _form = filtered_jams(request)
        if jams is None:
            raise Http404(_("Some parameters are not valid."))
        return jams

    def title(self):
        return _("New Raspberry Jams")

    def subtitle(self):
        return _("Raspberry Jams as they are added to the map.")

    def link(self):
        return "/"

    def items(self, jams):
        approved = [jam for jam in jams if jam.approved_at]
        return sorted(approved, key=lambda jam: jam.approved_at, reverse=True)[:100]

    def item_title(self, jam):
        return jam.display_title

    def item_description(self, jam):
        return f"{jam_when(jam)} · {jam.city}, {jam.country.name}"

    def item_link(self, jam):
        return jam.get_absolute_url()

    def item_guid(self, jam):
        return f"{settings.SITE_URL}/jams/{jam.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, jam):
        return jam.approved_at

    def item_updateddate(self, jam):
        return jam.updated_at
