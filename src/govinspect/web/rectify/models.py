"""Publication of a round, rectification items and their append-only audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from govinspect.web.roster.models import Account, Site, Unit
from govinspect.web.rounds.models import Finding, Round


class ItemState(models.TextChoices):
    OPEN = "待整改", "待整改"
    FIXED = "已整改", "已整改"  # the unit says so; waits for verification
    VERIFIED = "已核验", "已核验"
    FAILED = "未通过", "未通过"  # verification found it not fixed: back to the unit


# Items the unit still has to act on (the ones that can be overdue).
OPEN_STATES = (ItemState.OPEN, ItemState.FAILED)


class Publication(models.Model):
    """The round's 通报 is published: its items exist and units can see the round."""

    round = models.OneToOneField(Round, models.CASCADE, related_name="publication",
                                 verbose_name="轮次")
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name="发布人")
    deadline = models.DateField("整改期限")

    class Meta:
        verbose_name = "通报发布"
        verbose_name_plural = "通报发布"

    def __str__(self) -> str:
        return f"{self.round} {self.published_at:%Y-%m-%d}"


class Item(models.Model):
    """One problem of one site or account a unit must fix (one row of its 整改清单)."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="rectification_items",
                              verbose_name="轮次")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="rectification_items",
                             verbose_name="单位")
    site = models.ForeignKey(Site, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="网站")
    account = models.ForeignKey(Account, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="政务新媒体")
    group_id = models.CharField("分组标识", max_length=20,
                                help_text="reports.rectification.GroupKey.id")
    rule_id = models.CharField("规则", max_length=50)
    indicator_id = models.CharField("指标", max_length=20)
    item = models.CharField("扣分项", max_length=50, blank=True, default="")
    title = models.CharField("问题", max_length=200)
    message = models.TextField("问题描述")
    pages = models.JSONField("问题页面", default=list)
    fingerprints = models.JSONField("问题指纹", default=list)
    findings = models.ManyToManyField(Finding, blank=True, related_name="rectification_items",
                                      verbose_name="问题")
    counted = models.BooleanField("计入评分", default=True,
                                  help_text="否：待复核或不扣分，供参考")
    state = models.CharField("状态", max_length=4, choices=ItemState.choices,
                             default=ItemState.OPEN)
    deadline = models.DateField("整改期限")
    created = models.DateTimeField("生成时间", auto_now_add=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["round", "unit", "-counted", "indicator_id", "rule_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "group_id"],
                                    name="rectify_item_round_group_uniq"),
            models.CheckConstraint(
                condition=(models.Q(site__isnull=False, account__isnull=True)
                           | models.Q(site__isnull=True, account__isnull=False)),
                name="rectify_item_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}：{self.title}"

    @property
    def subject(self) -> Site | Account:
        return self.site if self.site_id else self.account

    @property
    def subject_name(self) -> str:
        return str(self.subject)

    @property
    def overdue(self) -> bool:
        return self.state in OPEN_STATES and self.deadline < timezone.localdate()


class AppendOnlyError(Exception):
    """An audit entry cannot be changed or removed."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("整改记录只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("整改记录只能追加，不能删除")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("整改记录只能追加，不能修改")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("整改记录只能追加，不能修改")

    def _raw_delete(self, using):
        raise AppendOnlyError("整改记录只能追加，不能删除")


def _audit_upload(entry: AuditEntry, filename: str) -> str:
    return f"rectify/{entry.item.round_id}/{entry.item_id}/{filename}"


class AuditEntry(models.Model):
    """One state change of an item: who, when, from → to, why. Append-only: the model, its
    queryset and (SQLite, PostgreSQL) a database trigger refuse every update; deletes are
    refused by the model, its queryset and the PROTECT foreign key from the item."""

    item = models.ForeignKey(Item, models.PROTECT, related_name="audit", verbose_name="整改事项")
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人",
                              help_text="为空表示平台自动操作")
    actor_name = models.CharField("操作人姓名", max_length=150)
    from_state = models.CharField("原状态", max_length=4, blank=True, default="")
    to_state = models.CharField("新状态", max_length=4, choices=ItemState.choices)
    reason = models.TextField("说明")
    file = models.FileField("附件", upload_to=_audit_upload, blank=True, max_length=300)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.from_state or '—'}→{self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding or self.pk is not None:
            raise AppendOnlyError("整改记录只能追加，不能修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("整改记录只能追加，不能删除")


class RecheckOutcome(models.TextChoices):
    RUNNING = "复查中", "复查中"
    VERIFIED = "已核验", "已核验"  # the problem is gone: the item moved to 已核验
    FAILED = "未通过", "未通过"  # the problem is still there: the item moved to 未通过
    MANUAL = "待人工核验", "待人工核验"  # the rule cannot be re-checked by itself
    INCOMPLETE = "复查未完成", "复查未完成"  # a page could not be fetched, or the run failed


class Recheck(models.Model):
    """One automatic re-check of a marked item (rectify/recheck.py): what was fetched again
    (the captures, kept as evidence in the re-check's own WARC folder), what the rule found
    on them, the outcome, and the audit entry of the move it made (if it made one)."""

    item = models.ForeignKey(Item, models.PROTECT, related_name="rechecks",
                             verbose_name="整改事项")
    started = models.DateTimeField("开始时间", default=timezone.now)
    finished = models.DateTimeField("结束时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=6, choices=RecheckOutcome.choices,
                               default=RecheckOutcome.RUNNING)
    note = models.TextField("说明", blank=True, default="")
    # [{url, final_url, status, content_type, fetched_at, ref}] (ref: "warc_file#offset")
    pages = models.JSONField("重新抓取的页面", default=list)
    # the item's problems found again: [{fingerprint, message, url, parent_url}]
    remaining = models.JSONField("仍存在的问题", default=list)
    entry = models.OneToOneField(AuditEntry, models.PROTECT, null=True, blank=True,
                                 related_name="recheck", verbose_name="整改记录")

    class Meta:
        verbose_name = "自动复查"
        verbose_name_plural = "自动复查"
        ordering = ["item", "-started", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.started:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def folder(self) -> str:
        """The re-check's collect folder, relative to the workspace."""
        return f"rectify/rechecks/{self.item_id}/{self.pk}"
