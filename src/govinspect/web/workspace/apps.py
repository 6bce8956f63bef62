from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    verbose_name = "工作台"
    name = "govinspect.web.workspace"
    label = "workspace"
