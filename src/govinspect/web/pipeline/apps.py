from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "govinspect.web.pipeline"
    label = "pipeline"
    verbose_name = "任务队列"
