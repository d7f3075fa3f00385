from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jamportal.contact.models import ContactBlock, ContactMessage


class ReportedFilter(admin.SimpleListFilter):
    title = _("reported as abuse")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("Reported")), ("no", _("Not reported"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reported_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(reported_at__isnull=True)
        return queryset


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Staff look at messages organisers reported (the sender's address and text) and
    may delete them; nobody writes or changes one here."""

    list_display = ["sender_name", "sender_email", "jam", "created_at", "reported_at"]
    list_filter = [ReportedFilter]
    search_fields = ["sender_email", "sender_name", "jam__slug", "jam__title"]
    list_select_related = ["jam"]
    fields = ["jam", "sender_name", "sender_email", "language", "body", "created_at", "reported_at", "notified_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContactBlock)
class ContactBlockAdmin(admin.ModelAdmin):
    """Senders no longer relayed to a Jam; deleting a row lets them write again."""

    list_display = ["jam", "message", "created_at"]
    search_fields = ["jam__slug", "message__sender_email"]
    list_select_related = ["jam", "message__jam"]
    fields = ["jam", "message", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
