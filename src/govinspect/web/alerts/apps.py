from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "govinspect.web.alerts"
    label = "alerts"
    verbose_name = "提醒"
