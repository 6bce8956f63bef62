from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    verbose_name = "复核决定"
    name = "govinspect.web.decisions"
    label = "decisions"
