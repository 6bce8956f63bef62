from django.apps import AppConfig


class AccountsConfig(AppConfig):
    verbose_name = "用户与权限"
    name = "govinspect.web.accounts"
    label = "accounts"
