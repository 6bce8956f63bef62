from django.apps import AppConfig


class RosterConfig(AppConfig):
    verbose_name = "名录"
    name = "govinspect.web.roster"
    label = "roster"
