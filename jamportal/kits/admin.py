from django.contrib import admin

from jamportal.kits.models import Kit, KitItem, KitRequest, KitRequestEvent, KitRequestLine, StockLevel


class KitItemInline(admin.TabularInline):
    model = KitItem
    extra = 1


@admin.register(Kit)
class KitAdmin(admin.ModelAdmin):
    """Staff define a campaign's kit and its items here; stock and requests have their own pages."""

    list_display = ["campaign", "request_deadline", "dispatch_country"]
    inlines = [KitItemInline]


class LineInline(admin.TabularInline):
    model = KitRequestLine
    extra = 0
    readonly_fields = ["item", "size", "quantity"]
    can_delete = False


class EventInline(admin.TabularInline):
    model = KitRequestEvent
    extra = 0
    readonly_fields = ["created_at", "actor", "from_status", "to_status", "note"]
    can_delete = False


@admin.register(KitRequest)
class KitRequestAdmin(admin.ModelAdmin):
    """Read-only: moves go through the fulfilment pages, which keep stock and the log right."""

    list_display = ["jam", "status", "country", "created_at"]
    list_filter = ["status", "kit", "country"]
    inlines = [LineInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ["item", "size", "received", "reserved", "taken", "available"]

    def has_change_permission(self, request, obj=None):
        return False
