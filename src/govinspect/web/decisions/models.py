"""Review decisions (复核决定) and review flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govinspect.web.roster.models import Account, Site
from govinspect.web.rounds.models import Finding, ReviewState, Round


class Verdict(models.TextChoices):
    CONFIRM = "confirm", "确认问题"
    DISMISS = "dismiss", "排除（误报）"

    @property
    def review_state(self) -> str:
        return ReviewState.CONFIRMED if self == Verdict.CONFIRM else ReviewState.DISMISSED


class DecisionScope(models.TextChoices):
    """How far a decision reaches (docs/platform.md)."""

    FINDING = "finding", "仅此问题"  # the same fingerprint (same rule, place, text)
    URL = "url", "此网址的同一规则"  # the rule at this URL of this site or account
    RULE_SITE = "rule_site", "此网站的此规则"  # the rule anywhere on this site or account
    TERM = "term", "此词语（所有网站）"  # the rule flagging this exact text, on every site


class Decision(models.Model):
    verdict = models.CharField("结论", max_length=8, choices=Verdict.choices)
    scope = models.CharField("适用范围", max_length=10, choices=DecisionScope.choices)
    round = models.ForeignKey(Round, models.CASCADE, related_name="decisions",
                              verbose_name="作出决定的轮次",
                              help_text="决定适用于本轮及之后的轮次（至有效期止）")
    finding = models.ForeignKey(Finding, models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name="依据的问题")
    rule_id = models.CharField("规则", max_length=50)
    site = models.ForeignKey(Site, models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name="网站")
    account = models.ForeignKey(Account, models.CASCADE, null=True, blank=True,
                                related_name="+", verbose_name="政务新媒体")
    fingerprint = models.CharField("指纹", max_length=40, blank=True, default="")
    url = models.TextField("网址", blank=True, default="")
    term = models.CharField("词语", max_length=200, blank=True, default="")
    reason = models.TextField("理由")
    expires_on = models.DateField("有效期至")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name="决定人")
    created_at = models.DateTimeField("决定时间", auto_now_add=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name="撤销人")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    applied = models.ManyToManyField(Finding, blank=True, related_name="decisions",
                                     verbose_name="已应用的问题")

    class Meta:
        verbose_name = "复核决定"
        verbose_name_plural = "复核决定"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""),
                                   name="decisions_decision_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} {self.rule_id} {self.get_scope_display()}"

    @property
    def subject(self) -> Site | Account | None:
        return self.site if self.site_id else self.account

    @property
    def target(self) -> str:
        """What the decision covers, in words."""
        if self.scope == DecisionScope.TERM:
            return f"“{self.term}”"
        if self.scope == DecisionScope.URL:
            return self.url
        if self.scope == DecisionScope.FINDING:
            return f"问题 {self.fingerprint}"
        return str(self.subject or "")


class Flag(models.Model):
    """An inspector asks for a second look at a finding: it enters the review queue."""

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="flags",
                                verbose_name="问题")
    reason = models.TextField("原因")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name="标记人")
    created_at = models.DateTimeField("标记时间", auto_now_add=True)
    resolved_by = models.ForeignKey(Decision, models.SET_NULL, null=True, blank=True,
                                    related_name="resolved_flags", verbose_name="处理结果")

    class Meta:
        verbose_name = "复核标记"
        verbose_name_plural = "复核标记"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.reason}"
