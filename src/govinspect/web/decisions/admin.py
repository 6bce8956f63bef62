from django.contrib import admin

from govinspect.web.decisions.models import Decision, Flag


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "created_by", "verdict", "scope", "rule_id", "target",
                    "expires_on", "revoked_at"]
    list_filter = ["verdict", "scope", "rule_id"]
    search_fields = ["reason", "term", "url", "fingerprint"]
    readonly_fields = [f.name for f in Decision._meta.fields] + ["applied"]

    def has_add_permission(self, request):
        return False  # decisions are made in the workspace, where they are applied


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["created_at", "created_by", "finding", "reason", "resolved_by"]
    readonly_fields = ["finding", "reason", "created_by", "created_at", "resolved_by"]

    def has_add_permission(self, request):
        return False
