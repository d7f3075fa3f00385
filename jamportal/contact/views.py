"""The contact form a Jam's page links to (a page of its own: the Jam's page is cached
whole, this one never is, so its CSRF token is the visitor's own), the page thanking
the sender, and the organiser's "report this message" link."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jamportal import pagecache, ratelimit
from jamportal.contact import selectors, services
from jamportal.contact.forms import ContactForm
from jamportal.jams import selectors as jam_selectors

HOUR, DAY = 3600, 24 * 3600


def _within_limits(request, email: str) -> bool:
    """Per network address and per sender's address (counted by its hash: the cache
    holds no one's address), per hour and per day, across all Jams."""
    address, email = ratelimit.client_ip(request), selectors.email_hash(email)
    return all(
        ratelimit.allow(scope, who, limit=limit, per=per)
        for scope, who, limit, per in (
            ("contact", address, settings.CONTACT_PER_ADDRESS_PER_HOUR, HOUR),
            ("contact-day", address, settings.CONTACT_PER_ADDRESS_PER_DAY, DAY),
            ("contact-email", email, settings.CONTACT_PER_EMAIL_PER_HOUR, HOUR),
            ("contact-email-day", email, settings.CONTACT_PER_EMAIL_PER_DAY, DAY),
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def contact(request, slug):
    jam = jam_selectors.jam_for_viewer_or_404(request.user, slug, language=request.LANGUAGE_CODE)
    # Someone signed in (an organiser writing to another Jam) need not type who they are.
    user = request.user
    initial = {"sender_name": user.get_full_name(), "sender_email": user.email} if user.is_authenticated else {}
    form = ContactForm(request.POST or None, initial=initial)
    context = {
        "jam": jam,
        "form": form,
        "open": selectors.takes_messages(jam) and bool(selectors.contact_recipients(jam)),
    }
    if not context["open"]:
        return render(request, "contact/contact.html", context, status=200 if request.method == "GET" else 409)
    if request.method == "POST" and form.is_valid():
        if form.from_a_bot():  # thanked all the same; nothing is kept or sent
            return redirect("contact:sent", slug=jam.slug)
        if not _within_limits(request, form.cleaned_data["sender_email"]):
            form.add_error(None, _("Many messages came from you in a short time. Please try again later."))
            return render(request, "contact/contact.html", context, status=429)
        try:
            services.message_send(jam, language=request.LANGUAGE_CODE, **form.answers())
        except services.SenderBlocked:  # thanked like anyone: a blocked sender learns nothing to get round it
            pass
        except services.ContactClosed:
            context["open"] = False
            return render(request, "contact/contact.html", context, status=409)
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "contact/contact.html", context)
        return redirect("contact:sent", slug=jam.slug)
    return render(request, "contact/contact.html", context)


@never_cache
@require_GET
def sent(request, slug):
    jam = jam_selectors.jam_for_viewer_or_404(request.user, slug, language=request.LANGUAGE_CODE)
    return render(request, "contact/sent.html", {"jam": jam})


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, token):
    """One button (a GET changes nothing: mail scanners open links). The link's secret
    is the key; the page sends its address to no other site."""
    try:
        message = selectors.message_for_report_token_or_404(token)
    except Http404:
        response = render(request, "contact/report_gone.html", {"days": settings.CONTACT_MESSAGE_DAYS}, status=404)
    else:
        if request.method == "POST":
            services.message_report(message)
            response = render(request, "contact/reported.html", {"jam": message.jam})
        else:
            context = {"jam": message.jam, "message": message, "already": message.reported_at is not None}
            response = render(request, "contact/report.html", context)
    return pagecache.secret_link_page(response)
