from django.contrib import admin, messages
from django.db.models import Count

from govinspect.web.rounds.models import Capture, Finding, ReviewState, Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "reference_time", "window_start", "window_end", "indicator_set", "site_count",
                    "account_count", "finding_count", "created"]
    search_fields = ["name"]
    date_hierarchy = "reference_time"
    filter_horizontal = ["sites", "accounts"]
    readonly_fields = ["created"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _sites=Count("sites", distinct=True), _accounts=Count("accounts", distinct=True),
            _findings=Count("findings", distinct=True))

    @admin.display(description="网站数", ordering="_sites")
    def site_count(self, obj):
        return obj._sites

    @admin.display(description="新媒体数", ordering="_accounts")
    def account_count(self, obj):
        return obj._accounts

    @admin.display(description="问题数", ordering="_findings")
    def finding_count(self, obj):
        return obj._findings


@admin.register(Capture)
class CaptureAdmin(admin.ModelAdmin):
    list_display = ["url", "site", "status", "content_type", "depth", "fetched_at", "round"]
    list_filter = ["round", "status", "site__kind"]
    search_fields = ["url", "final_url", "site__name", "site__code", "digest"]
    list_select_related = ["site", "round"]
    raw_id_fields = ["site", "round"]
    show_full_result_count = False  # a round holds ~100k captures


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["indicator_id", "rule_id", "subject", "message", "confidence",
                    "review_state", "first_seen", "last_seen", "round"]
    list_filter = ["round", "review_state", "confidence", "indicator_id", "rule_id",
                   "site__kind", "site__unit__region"]
    search_fields = ["message", "url", "fingerprint", "site__name", "site__code",
                     "account__name", "account__code"]
    list_select_related = ["site", "account", "round"]
    raw_id_fields = ["site", "account", "round"]
    readonly_fields = ["fingerprint", "first_seen", "last_seen"]
    show_full_result_count = False
    actions = ["confirm", "reset"]
    fieldsets = [
        (None, {"fields": ["round", "rule_id", "indicator_id", "item", "site", "account",
                           "message", "confidence"]}),
        ("证据", {"fields": ["url", "parent_url", "context", "span_start", "span_end",
                             "capture", "details"]}),
        ("复核", {"fields": ["review_state", "review_reason"]}),
        ("跟踪", {"fields": ["fingerprint", "first_seen", "last_seen"]}),
    ]

    @admin.display(description="对象")
    def subject(self, obj):
        return obj.site or obj.account

    @admin.action(description="确认所选问题")
    def confirm(self, request, queryset):
        n = queryset.update(review_state=ReviewState.CONFIRMED)
        self.message_user(request, f"已确认 {n} 个问题", messages.SUCCESS)

    @admin.action(description="将所选问题恢复为待复核")
    def reset(self, request, queryset):
        n = queryset.update(review_state=ReviewState.PENDING, review_reason="")
        self.message_user(request, f"{n} 个问题已恢复为待复核", messages.SUCCESS)
