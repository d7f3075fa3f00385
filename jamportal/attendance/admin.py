from django.contrib import admin

from jamportal.attendance.models import Signup, SignupSheet


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff may look (with the view permission), for support; changes go through the
    organiser's pages and the services, which keep the waiting list's order and lock."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignupSheet)
class SignupSheetAdmin(ReadOnlyAdmin):
    list_display = ["jam", "capacity", "is_open", "changed_at"]
    search_fields = ["jam__title", "jam__slug"]


@admin.register(Signup)
class SignupAdmin(ReadOnlyAdmin):
    list_display = ["name", "jam", "status", "adults", "children", "walk_in", "created_at", "checked_in_at"]
    list_filter = ["status", "walk_in"]
    search_fields = ["jam__slug", "name"]
    exclude = ["token_hash", "token_salt"]
    list_select_related = ["jam"]
