from django.contrib import admin

from jamportal.contact.models import ContactBlock, ContactMessage


class ForModerators(admin.ModelAdmin):
    """Moderators (jams.moderate_jam) look and delete; nobody writes or changes a row here:
    messages come through the form, blocks through the report link."""

    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.has_perm("jams.moderate_jam")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm("jams.moderate_jam")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or request.user.has_perm("jams.moderate_jam")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContactMessage)
class ContactMessageAdmin(ForModerators):
    """Messages organisers reported as abuse, with the sender's address and text: for staff
    with the view permission and for moderators (who may also delete them). Messages
    nobody reported are between the sender and the organisers: not listed here."""

    list_display = ["sender_name", "sender_email", "jam", "created_at", "reported_at"]
    ordering = ["-reported_at"]
    search_fields = ["sender_email", "sender_name", "jam__slug", "jam__title"]
    list_select_related = ["jam"]
    fields = ["jam", "sender_name", "sender_email", "language", "body", "created_at", "reported_at", "notified_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reported_at__isnull=False)


@admin.register(ContactBlock)
class ContactBlockAdmin(ForModerators):
    """Senders no longer relayed to a Jam; deleting a row lets them write again."""

    list_display = ["jam", "message", "created_at"]
    search_fields = ["jam__slug", "message__sender_email"]
    list_select_related = ["jam", "message__jam"]
    fields = ["jam", "message", "created_at"]
    readonly_fields = fields
