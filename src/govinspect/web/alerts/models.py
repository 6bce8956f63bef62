"""Recipients, alerts (events, one row per event key) and deliveries (the outbox)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from govinspect.core.alerts import KIND_LABELS
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round


class Channel(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    EMAIL = "email", "电子邮件"


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", "即时发送"
    DIGEST = "digest", "每日汇总"


class Recipient(models.Model):
    name = models.CharField("名称", max_length=100)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    target = models.CharField("地址", max_length=500,
                              help_text="群机器人的 Webhook 地址，或电子邮件地址")
    secret = models.CharField("加签密钥", max_length=200, blank=True,
                              help_text="钉钉群机器人“加签”安全设置的密钥（SEC 开头）")
    mode = models.CharField("发送方式", max_length=10, choices=Mode.choices,
                            default=Mode.IMMEDIATE)
    kinds = models.JSONField("提醒类型", default=list, blank=True,
                             help_text="为空表示全部：" + "、".join(
                                 f"{k.value}={v}" for k, v in KIND_LABELS.items()))
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name="单位",
                                   help_text="只接收这些单位（及其下级单位）的提醒；为空表示全部单位")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "提醒接收方"
        verbose_name_plural = "提醒接收方"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_channel_display()}）"


class Alert(models.Model):
    """One event. ``key`` is its identity (core.alerts.Event.key): found twice, stored once."""

    key = models.CharField("标识", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=20,
                            choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    title = models.CharField("标题", max_length=300)
    body = models.TextField("内容")
    round = models.ForeignKey(Round, models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name="轮次")
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name="单位", help_text="为空：组织单位的提醒（如检查完成）")
    created = models.DateTimeField("产生时间", default=timezone.now)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Digest(models.Model):
    """One recipient's daily digest: sent once per day (unique), like any delivery."""

    recipient = models.ForeignKey(Recipient, models.CASCADE, related_name="digests")
    day = models.DateField("日期")
    title = models.CharField("标题", max_length=300)
    body = models.TextField("内容")

    class Meta:
        verbose_name = "每日汇总"
        verbose_name_plural = "每日汇总"
        constraints = [models.UniqueConstraint(fields=["recipient", "day"],
                                               name="alerts_digest_recipient_day_uniq")]


class Delivery(models.Model):
    """The outbox: one alert (or one digest) to one recipient, sent at most until it
    succeeds, retried with back-off, claimed with a lease so two senders never send it at
    the same time. A digest recipient's alert deliveries wait with ``digest`` set to the day
    that collected them."""

    recipient = models.ForeignKey(Recipient, models.CASCADE, related_name="deliveries",
                                  verbose_name="接收方")
    alert = models.ForeignKey(Alert, models.CASCADE, null=True, blank=True,
                              related_name="deliveries", verbose_name="提醒")
    digest = models.ForeignKey(Digest, models.CASCADE, null=True, blank=True,
                               related_name="deliveries", verbose_name="每日汇总")
    in_digest = models.ForeignKey(Digest, models.SET_NULL, null=True, blank=True,
                                  related_name="collected", verbose_name="汇总于")
    state = models.CharField("状态", max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    attempts = models.IntegerField("尝试次数", default=0)
    next_attempt = models.DateTimeField("下次尝试", default=timezone.now)
    last_error = models.TextField("最近错误", blank=True, default="")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒发送"
        verbose_name_plural = "提醒发送"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "alert"],
                                    condition=models.Q(alert__isnull=False),
                                    name="alerts_delivery_recipient_alert_uniq"),
            models.UniqueConstraint(fields=["recipient", "digest"],
                                    condition=models.Q(digest__isnull=False),
                                    name="alerts_delivery_recipient_digest_uniq"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt"],
                                name="alerts_delivery_due")]


class OutageWatch(models.Model):
    """Where the outage scan of one site's probes in one round stands (core.alerts.OutageState)."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, models.CASCADE, related_name="+")
    last_slot = models.IntegerField(default=-1)
    streak = models.IntegerField(default=0)
    streak_start = models.IntegerField(null=True, blank=True)
    down_since = models.IntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "site"],
                                               name="alerts_outagewatch_round_site_uniq")]
