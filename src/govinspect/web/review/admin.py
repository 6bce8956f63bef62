from django.contrib import admin

from govinspect.web.review.models import AccountCheck, Inquiry, ManualFinding, PreviousFigure


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["site", "asked_at", "answered_at", "effective", "question", "round"]
    list_filter = ["round", "effective", "site__kind"]
    search_fields = ["site__code", "site__name", "question", "note"]
    list_select_related = ["site", "round"]
    raw_id_fields = ["site"]
    date_hierarchy = "asked_at"


@admin.register(AccountCheck)
class AccountCheckAdmin(admin.ModelAdmin):
    list_display = ["account", "last_post_at", "interaction_ok", "round", "entered_by"]
    list_filter = ["round", "interaction_ok", "account__platform"]
    search_fields = ["account__code", "account__name", "notes"]
    list_select_related = ["account", "round"]
    raw_id_fields = ["account"]


@admin.register(ManualFinding)
class ManualFindingAdmin(admin.ModelAdmin):
    list_display = ["indicator_id", "item", "site", "account", "message", "points", "round",
                    "entered_by", "created"]
    list_filter = ["round", "indicator_id"]
    search_fields = ["message", "url", "site__code", "site__name", "account__code",
                     "account__name"]
    list_select_related = ["site", "account", "round"]
    raw_id_fields = ["site", "account"]
    readonly_fields = ["fingerprint", "created", "updated"]

    def save_model(self, request, obj, form, change):
        # The fingerprint identifies the finding on re-import; keep it in step with edits.
        from govinspect.indicators.manual_io import FindingRow

        subject = obj.site or obj.account
        url = obj.site.homepage if obj.site_id else obj.account.code
        obj.fingerprint = FindingRow(subject.code, "site" if obj.site_id else "account",
                                     obj.indicator_id, obj.item, obj.message, obj.url,
                                     obj.points).to_core(url).fingerprint
        if not obj.entered_by:
            obj.entered_by = request.user.get_username()
        super().save_model(request, obj, form, change)


@admin.register(PreviousFigure)
class PreviousFigureAdmin(admin.ModelAdmin):
    list_display = ["round", "metric", "value"]
    list_filter = ["round", "metric"]
