from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from jamportal.accounts import services as account_services
from jamportal.jams import services
from jamportal.jams.models import Campaign, CampaignTranslation, Jam, JamEvent, JamInvitation, JamMember


class CampaignTranslationInline(admin.StackedInline):
    """The campaign's name and description in the site's other languages."""

    model = CampaignTranslation
    extra = 0
    fields = ["language", "name", "description"]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "slug", "starts_on", "ends_on", "submission_deadline", "hashtag", "description", "artwork"]

    def clean_artwork(self):
        """A new upload is checked and redrawn (services.campaign_artwork_prepare)."""
        artwork = self.cleaned_data.get("artwork")
        if isinstance(artwork, UploadedFile):
            return services.campaign_artwork_prepare(artwork)
        return artwork


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ["name", "starts_on", "ends_on", "submission_deadline", "hashtag", "translated_into"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CampaignTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description=_("translated into"))
    def translated_into(self, campaign):
        return ", ".join(found.language for found in campaign.translations.all()) or "–"

    # Jam pages, the map and the feeds show campaigns: edits here show there at once.
    def save_model(self, request, obj, form, change):
        if change and "artwork" in form.changed_data:
            old = Campaign.objects.get(pk=obj.pk).artwork
            services.campaign_artwork_replaced(old.name, old.storage)
        super().save_model(request, obj, form, change)
        services.jams_public_changed()

    def delete_model(self, request, obj):
        services.campaigns_delete(Campaign.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.campaigns_delete(queryset)


class JamEventInline(admin.TabularInline):
    model = JamEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "action", "changes", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Jam)
class JamAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the moderation pages, which keep the audit trail."""

    list_display = ["title", "city", "country", "start", "status", "campaign"]
    list_filter = ["status", "campaign", "country"]
    search_fields = ["title", "city", "venue_name", "organiser__email"]
    readonly_fields = ["status", "slug", "organiser", "submitted_at", "approved_at", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the organiser's form does
    inlines = [JamEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting a Jam here goes through the site's own service: its kit, photos (files
    # included) and every cached page that shows it go too. (accounts sits above jams,
    # kits and feed, so the service lives there; only this wiring looks up to it.)
    def delete_model(self, request, obj):
        account_services.jams_delete(Jam.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        account_services.jams_delete(queryset, by=request.user)


# --- teams ---
# Staff see who runs a Jam and which invitations are out; the team itself changes only
# through its organiser (jams.services: every change in the Jam's history, by whom).


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JamMember)
class JamMemberAdmin(ReadOnlyAdmin):
    list_display = ["jam", "user", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["jam", "user"]
    search_fields = ["jam__title", "user__email"]


@admin.register(JamInvitation)
class JamInvitationAdmin(ReadOnlyAdmin):
    list_display = ["jam", "email", "role", "language", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    list_select_related = ["jam"]
    search_fields = ["jam__title", "email"]
    exclude = ["token_salt", "token_hash"]
