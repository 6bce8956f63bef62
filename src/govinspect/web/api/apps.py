from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "govinspect.web.api"
    label = "api"
    verbose_name = "接口"
