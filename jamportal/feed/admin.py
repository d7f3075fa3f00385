from django.contrib import admin

from jamportal.feed import services
from jamportal.feed.models import Booth, Photo, PhotoReport


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):
    list_display = ["name", "jam", "token_hint", "last_seen_at", "revoked_at"]
    readonly_fields = ["token_hash", "token_hint", "last_seen_at"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["pk", "jam", "status", "taken_at"]
    list_filter = ["status"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.photo_gallery_changed(obj)

    def delete_model(self, request, obj):
        services.photo_gallery_changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset.select_related("jam"):
            services.photo_gallery_changed(photo)
        super().delete_queryset(request, queryset)


@admin.register(PhotoReport)
class PhotoReportAdmin(admin.ModelAdmin):
    list_display = ["photo", "created_at", "resolved_at"]
