from django.contrib import admin

from jamportal.feed import services
from jamportal.feed.models import Booth, Photo, PhotoReport


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):
    list_display = ["name", "jam", "token_hint", "last_seen_at", "revoked_at"]
    readonly_fields = ["token_hash", "token_hint", "last_seen_at"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Status and files change only through the site's buttons (feed.services), which
    move a photo's files where its status says (feed/files.py); deleting here goes
    through the same service, files included."""

    list_display = ["pk", "jam", "status", "taken_at"]
    list_filter = ["status"]
    readonly_fields = [
        "status",
        "upload",
        "image",
        "web",
        "thumbnail",
        "still",
        "animated",
        "width",
        "height",
        "booth",
        "idempotency_key",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.photo_gallery_changed(obj)

    def delete_model(self, request, obj):
        services.photos_delete(Photo.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.photos_delete(queryset)


@admin.register(PhotoReport)
class PhotoReportAdmin(admin.ModelAdmin):
    list_display = ["photo", "created_at", "resolved_at"]
