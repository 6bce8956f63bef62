from django.contrib import admin

from govinspect.web.alerts.models import Alert, Delivery, Recipient


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "mode", "active"]
    list_filter = ["channel", "mode", "active"]
    filter_horizontal = ["units"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "title", "unit"]
    list_filter = ["kind"]
    readonly_fields = ["key", "kind", "title", "body", "round", "unit", "created"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "recipient", "alert", "digest", "state", "attempts", "next_attempt",
                    "last_error"]
    list_filter = ["state"]
