from django.apps import AppConfig


class ReviewConfig(AppConfig):
    verbose_name = "人工检查"
    name = "govinspect.web.review"
    label = "review"
