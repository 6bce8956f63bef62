"""What a person enters for a round: simulated 咨询 questions, account checks, manual findings,
and (when the previous round was not run here) the previous round's published figures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from govinspect.web.roster.models import Account, Site
from govinspect.web.rounds.models import Round

# The round metrics a 通报 compares with the previous round (RoundSummary.metrics).
METRICS = [
    ("site_pass_rate", "网站合格率"),
    ("entered_bonus_rate", "进入加分环节占比"),
    ("account_pass_rate", "政务新媒体合格率"),
    ("inquiry_within_1_rate", "1个工作日内有效答复占比"),
    ("inquiry_within_5_rate", "5个工作日内有效答复占比"),
]


class Inquiry(models.Model):
    """One simulated 咨询 question (模拟网民咨询) and its answer."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="inquiries", verbose_name="轮次")
    site = models.ForeignKey(Site, models.CASCADE, related_name="inquiries", verbose_name="网站")
    question = models.TextField("问题", blank=True, default="")
    asked_at = models.DateTimeField("提问时间")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True, help_text="未答复留空")
    effective = models.BooleanField("答复有效", default=True,
                                    help_text="推诿、敷衍的答复为无效，统计时视为未答复")
    note = models.TextField("备注", blank=True, default="")
    entered_by = models.CharField("录入人", max_length=100, blank=True, default="")
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "模拟咨询"
        verbose_name_plural = "模拟咨询"
        ordering = ["round", "site", "asked_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "site", "asked_at"],
                                    name="review_inquiry_round_site_asked_uniq"),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True)
                | models.Q(answered_at__gte=models.F("asked_at")),
                name="review_inquiry_answer_after_question"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.asked_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.answered_at and self.asked_at and self.answered_at < self.asked_at:
            raise ValidationError({"answered_at": "答复时间早于提问时间"})


class AccountCheck(models.Model):
    """What an inspector saw on one account: its last post, whether interaction works."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="account_checks",
                              verbose_name="轮次")
    account = models.ForeignKey(Account, models.CASCADE, related_name="checks",
                                verbose_name="政务新媒体")
    last_post_at = models.DateTimeField("最后发布时间", null=True, blank=True,
                                        help_text="用于判断“内容不更新”（NM-V2）；不清楚留空")
    interaction_ok = models.BooleanField("互动功能可用", null=True, blank=True,
                                         help_text="否：记为“互动回应差”（NM-V3）；未检查留空")
    menus = models.JSONField("菜单及最后更新时间", default=list, blank=True,
                             help_text='如 [{"menu": "办事服务", "last_updated": "2022-06-01T00:00:00+08:00"}]')
    notes = models.TextField("备注", blank=True, default="")
    entered_by = models.CharField("录入人", max_length=100, blank=True, default="")
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政务新媒体检查"
        verbose_name_plural = "政务新媒体检查"
        ordering = ["round", "account"]
        constraints = [
            models.UniqueConstraint(fields=["round", "account"],
                                    name="review_accountcheck_round_account_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.last_post_at or '—'}"


class ManualFinding(models.Model):
    """A problem only a person can find (W-D16 信息提交, W-D17 统一登录, W-D19 办理答复 …)."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="manual_findings",
                              verbose_name="轮次")
    site = models.ForeignKey(Site, models.CASCADE, null=True, blank=True,
                             related_name="manual_findings", verbose_name="网站")
    account = models.ForeignKey(Account, models.CASCADE, null=True, blank=True,
                                related_name="manual_findings", verbose_name="政务新媒体")
    indicator_id = models.CharField("指标", max_length=20, db_index=True)
    item = models.CharField("扣分项", max_length=50, blank=True, default="")
    points = models.DecimalField("指定分值", max_digits=6, decimal_places=2, null=True, blank=True,
                                 help_text="留空按指标体系的分值；填写则该条问题按此分值计")
    message = models.TextField("问题描述")
    url = models.TextField("证据网址", blank=True, default="",
                           help_text="留空为网站首页或账号本身")
    fingerprint = models.CharField("指纹", max_length=40, db_index=True)
    entered_by = models.CharField("录入人", max_length=100, blank=True, default="")
    created = models.DateTimeField("录入时间", auto_now_add=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "人工检查问题"
        verbose_name_plural = "人工检查问题"
        ordering = ["round", "indicator_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "fingerprint"],
                                    name="review_manualfinding_round_fingerprint_uniq"),
            models.CheckConstraint(
                condition=(models.Q(site__isnull=False, account__isnull=True)
                           | models.Q(site__isnull=True, account__isnull=False)),
                name="review_manualfinding_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.message}"

    @property
    def subject_code(self) -> str:
        return self.site.code if self.site_id else self.account.code

    def clean(self) -> None:
        if bool(self.site_id) == bool(self.account_id):
            raise ValidationError("网站和政务新媒体须选择且只能选择其中一个")


class PreviousFigure(models.Model):
    """A figure of the previous round as published, for a round whose predecessor was not
    run in govinspect (the first quarter on the platform). Wins over a computed figure."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="previous_figures",
                              verbose_name="本轮")
    metric = models.CharField("数据项", max_length=50, choices=METRICS)
    value = models.DecimalField("上一轮数值", max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = "上一轮数据"
        verbose_name_plural = "上一轮数据"
        ordering = ["round", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["round", "metric"],
                                    name="review_previousfigure_round_metric_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}={self.value}"
