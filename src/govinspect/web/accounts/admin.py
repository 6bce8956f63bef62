from django.contrib import admin

from govinspect.web.accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit_names"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "units__name"]
    filter_horizontal = ["units"]
    autocomplete_fields = ["user"]

    @admin.display(description="所属单位")
    def unit_names(self, obj):
        return "、".join(str(u) for u in obj.units.all())
