from django.apps import AppConfig


class RoundsConfig(AppConfig):
    verbose_name = "检查轮次"
    name = "govinspect.web.rounds"
    label = "rounds"
