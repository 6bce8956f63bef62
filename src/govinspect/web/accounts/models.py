"""A workspace user's role and, for a 填报单位 user, the units of the roster it answers for."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govinspect.web.roster.models import Unit


class Role(models.TextChoices):
    OFFICE = "office", "组织单位管理员"
    INSPECTOR = "inspector", "检查员"
    UNIT = "unit", "填报单位"


class Membership(models.Model):
    """One user's role. A 填报单位 user is bound to one or more units and sees those units and
    every unit below them (a county office sees its county's departments)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE,
                                related_name="membership", verbose_name="用户")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    units = models.ManyToManyField(Unit, blank=True, related_name="members",
                                   verbose_name="所属单位",
                                   help_text="仅填报单位用户需要：可查看本单位及下级单位的检查结果")

    class Meta:
        verbose_name = "工作台用户"
        verbose_name_plural = "工作台用户"
        ordering = ["role", "user__username"]

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}）"
