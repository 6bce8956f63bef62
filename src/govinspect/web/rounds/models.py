"""Inspection rounds (检查轮次), what they captured and what they found."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from govinspect.core.types import Confidence, Evidence, Span
from govinspect.core.types import Finding as CoreFinding
from govinspect.web.roster.models import Account, Site


class ReviewState(models.TextChoices):
    PENDING = "待复核", "待复核"
    CONFIRMED = "已确认", "已确认"
    DISMISSED = "已排除", "已排除"


class Round(models.Model):
    name = models.CharField("轮次名称", max_length=50, unique=True, help_text="如 2022Q2")
    reference_time = models.DateTimeField("基准时间",
                                          help_text="检查的参照时刻 t，“多久未更新”等从此时刻算起")
    window_start = models.DateTimeField("监测期开始")
    window_end = models.DateTimeField("监测期结束")
    indicator_set = models.CharField("指标体系", max_length=50, default="national-2019")
    sites = models.ManyToManyField(Site, blank=True, related_name="rounds", verbose_name="检查网站")
    accounts = models.ManyToManyField(Account, blank=True, related_name="rounds",
                                      verbose_name="检查政务新媒体")
    created = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "检查轮次"
        verbose_name_plural = "检查轮次"
        ordering = ["-reference_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(window_start__lte=models.F("window_end")),
                                   name="rounds_round_window_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def t(self):
        """The reference time under the name the design documents use."""
        return self.reference_time


class Capture(models.Model):
    """One fetched response of a round (the WARC holds the bytes)."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="captures", verbose_name="轮次")
    site = models.ForeignKey(Site, models.CASCADE, related_name="captures", verbose_name="网站")
    url = models.TextField("网址")
    final_url = models.TextField("最终网址")
    status = models.IntegerField("状态码")
    content_type = models.CharField("内容类型", max_length=200, blank=True)
    fetched_at = models.DateTimeField("抓取时间")
    depth = models.IntegerField("深度", default=0)
    parent_url = models.TextField("来源页", null=True, blank=True)
    warc_file = models.CharField("WARC 文件", max_length=500)
    warc_offset = models.BigIntegerField("WARC 偏移")
    digest = models.CharField("内容摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "采集记录"
        verbose_name_plural = "采集记录"
        constraints = [
            models.UniqueConstraint(fields=["round", "url"], name="rounds_capture_round_url_uniq"),
        ]
        indexes = [models.Index(fields=["round", "site"], name="rounds_capture_round_site")]

    def __str__(self) -> str:
        return self.url

    @property
    def ref(self) -> str:
        """The capture reference findings carry: "warc_file#offset"."""
        return f"{self.warc_file}#{self.warc_offset}"


class Finding(models.Model):
    """A core.types.Finding persisted for one round, plus its review state."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="findings", verbose_name="轮次")
    rule_id = models.CharField("规则", max_length=50, db_index=True)
    indicator_id = models.CharField("指标", max_length=20, db_index=True)
    item = models.CharField("扣分项", max_length=50, blank=True)
    site = models.ForeignKey(Site, models.CASCADE, null=True, blank=True, related_name="findings",
                             verbose_name="网站")
    account = models.ForeignKey(Account, models.CASCADE, null=True, blank=True,
                                related_name="findings", verbose_name="政务新媒体")
    url = models.TextField("问题网址")
    parent_url = models.TextField("来源页", blank=True, default="")
    message = models.TextField("问题描述")
    context = models.TextField("上下文", blank=True, default="")
    span_start = models.IntegerField("问题起点", null=True, blank=True)
    span_end = models.IntegerField("问题终点", null=True, blank=True)
    capture = models.CharField("采集引用", max_length=600, null=True, blank=True,
                               help_text="WARC 文件#偏移")
    confidence = models.CharField("可信度", max_length=4, choices=[(c.value, c.value) for c in Confidence],
                                  default=Confidence.CERTAIN.value)
    fingerprint = models.CharField("指纹", max_length=40, db_index=True)
    first_seen = models.DateTimeField("首次发现")
    last_seen = models.DateTimeField("最近发现")
    review_state = models.CharField("复核状态", max_length=4, choices=ReviewState.choices,
                                    default=ReviewState.PENDING)
    review_reason = models.TextField("复核说明", blank=True, default="")
    details = models.JSONField("详细信息", default=dict, blank=True)

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["round", "rule_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "fingerprint"],
                                    name="rounds_finding_round_fingerprint_uniq"),
            models.CheckConstraint(
                condition=models.Q(site__isnull=False) | models.Q(account__isnull=False),
                name="rounds_finding_has_subject"),
            models.CheckConstraint(
                condition=(models.Q(span_start__isnull=True, span_end__isnull=True)
                           | models.Q(span_start__gte=0, span_end__gte=models.F("span_start"))),
                name="rounds_finding_span_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.message}"

    @property
    def subject_code(self) -> str:
        return self.site.code if self.site_id else self.account.code

    def clean(self) -> None:
        if self.review_state == ReviewState.DISMISSED and not self.review_reason.strip():
            raise ValidationError({"review_reason": "排除问题时必须填写理由"})

    @classmethod
    def from_core(cls, round: Round, finding: CoreFinding, site: Site | None = None,
                  account: Account | None = None, *, seen_at=None) -> Finding:
        """An unsaved row for ``finding``; first/last seen default to ``seen_at`` (or now)."""
        from django.utils import timezone

        seen_at = seen_at or timezone.now()
        ev = finding.evidence
        return cls(
            round=round, rule_id=finding.rule_id, indicator_id=finding.indicator_id,
            item=finding.item, site=site, account=account, url=ev.url,
            parent_url=ev.parent_url or "", message=finding.message, context=ev.context,
            span_start=ev.span.start if ev.span else None, span_end=ev.span.end if ev.span else None,
            capture=ev.capture, confidence=Confidence(finding.confidence).value,
            fingerprint=finding.fingerprint, first_seen=seen_at, last_seen=seen_at,
            details=dict(finding.details),
        )

    def to_core(self) -> CoreFinding:
        span = Span(self.span_start, self.span_end) if self.span_start is not None else None
        return CoreFinding(
            rule_id=self.rule_id, indicator_id=self.indicator_id, subject=self.subject_code,
            message=self.message,
            evidence=Evidence(url=self.url, parent_url=self.parent_url or None,
                              context=self.context, span=span, capture=self.capture),
            confidence=Confidence(self.confidence), item=self.item, details=dict(self.details or {}),
        )


class Probe(models.Model):
    """One planned availability visit of a site's homepage (W-V2) and what happened.

    A row is created when its slot is claimed (``outcome`` empty) and completed after the
    visit, so a prober that dies mid-visit leaves a claimed row that its restart marks
    ``interrupted`` instead of visiting again. ``planned_at`` / ``probed_at`` are round time
    (the same as wall time unless the round runs compressed); ``started_at`` is wall time.
    """

    round = models.ForeignKey(Round, models.CASCADE, related_name="probes", verbose_name="轮次")
    site = models.ForeignKey(Site, models.CASCADE, related_name="probes", verbose_name="网站")
    slot = models.IntegerField("序号", help_text="监测期内第几次计划访问（从0起）")
    planned_at = models.DateTimeField("计划时间")
    probed_at = models.DateTimeField("访问时间", null=True, blank=True)
    started_at = models.DateTimeField("实际开始时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=16, blank=True, default="",
                               help_text="ok/timeout/dns/refused/tls/http_error/other；"
                               "missed/interrupted/policy 不计入统计；为空表示正在访问")
    status = models.IntegerField("状态码", null=True, blank=True)
    latency_ms = models.IntegerField("耗时（毫秒）", null=True, blank=True)
    late = models.BooleanField("延迟补做", default=False)
    url = models.TextField("最终网址", blank=True, default="")
    error = models.TextField("错误信息", blank=True, default="")

    class Meta:
        verbose_name = "可用性探测"
        verbose_name_plural = "可用性探测"
        ordering = ["round", "site", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["round", "site", "slot"],
                                    name="rounds_probe_round_site_slot_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}#{self.slot} {self.outcome or '…'}"

    def to_core(self):
        from govinspect.core.probes import ProbeOutcome, ProbeResult

        return ProbeResult(slot=self.slot, planned_at=self.planned_at,
                           outcome=ProbeOutcome(self.outcome), probed_at=self.probed_at,
                           status=self.status, latency_ms=self.latency_ms, late=self.late,
                           url=self.url, error=self.error)
