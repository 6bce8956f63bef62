from django.contrib import admin
from django.db.models import Count

from govinspect.web.roster.models import Account, Site, Unit

admin.site.site_header = "govinspect 政府网站与政务新媒体检查平台"
admin.site.site_title = "govinspect 管理后台"
admin.site.index_title = "管理后台"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "parent", "site_count", "account_count"]
    list_filter = ["level", "region"]
    search_fields = ["name", "region"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return (super().get_queryset(request).select_related("parent")
                .annotate(_sites=Count("sites", distinct=True),
                          _accounts=Count("accounts", distinct=True)))

    @admin.display(description="网站数", ordering="_sites")
    def site_count(self, obj):
        return obj._sites

    @admin.display(description="新媒体数", ordering="_accounts")
    def account_count(self, obj):
        return obj._accounts


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "region", "homepage"]
    list_filter = ["kind", "unit__region"]
    search_fields = ["code", "name", "homepage", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]

    @admin.display(description="所属地区", ordering="unit__region")
    def region(self, obj):
        return obj.unit.region


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "platform", "certified_subject", "filed", "unit", "region"]
    list_filter = ["platform", "filed", "unit__region"]
    search_fields = ["code", "name", "certified_subject", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]

    @admin.display(description="所属地区", ordering="unit__region")
    def region(self, obj):
        return obj.unit.region
