from django.contrib import admin

from govinspect.web.rectify.models import AuditEntry, Item, Publication, Recheck


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["round", "published_at", "published_by", "deadline"]

    def has_add_permission(self, request):
        return False  # published from the workspace (items are created then)


class AuditInline(admin.TabularInline):
    model = AuditEntry
    fields = ["at", "actor_name", "from_state", "to_state", "reason", "file"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["round", "unit", "title", "state", "deadline", "counted"]
    list_filter = ["round", "state", "counted"]
    search_fields = ["title", "message", "unit__name"]
    readonly_fields = ["round", "unit", "site", "account", "group_id", "rule_id",
                       "indicator_id", "item", "pages", "fingerprints", "state", "created",
                       "updated"]
    exclude = ["findings"]
    inlines = [AuditInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # an item with an audit trail stays


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is appended by the workspace's state changes only."""

    list_display = ["at", "item", "actor_name", "from_state", "to_state", "reason"]
    list_filter = ["to_state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recheck)
class RecheckAdmin(admin.ModelAdmin):
    """Read-only: re-checks are recorded by the platform (rectify/recheck.py)."""

    list_display = ["started", "item", "outcome", "finished"]
    list_filter = ["outcome"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
