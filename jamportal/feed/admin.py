from django.contrib import admin

from jamportal.feed.models import Booth, Photo, PhotoReport


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):
    list_display = ["name", "jam", "token_hint", "last_seen_at", "revoked_at"]
    readonly_fields = ["token_hash", "token_hint", "last_seen_at"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["pk", "jam", "status", "taken_at"]
    list_filter = ["status"]


@admin.register(PhotoReport)
class PhotoReportAdmin(admin.ModelAdmin):
    list_display = ["photo", "created_at", "resolved_at"]
