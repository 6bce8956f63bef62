from django.apps import AppConfig


class RectifyConfig(AppConfig):
    verbose_name = "整改"
    name = "govinspect.web.rectify"
    label = "rectify"
