"""The roster: units, their websites and their new-media accounts."""

from __future__ import annotations

from django.core.validators import RegexValidator, URLValidator
from django.db import models

from govinspect.core.roster import Platform, homepage_host
from govinspect.core.types import SiteKind, SiteRef, UnitLevel

site_code_validator = RegexValidator(r"^\d{10}\Z", "网站标识码应为10位数字")
account_code_validator = RegexValidator(r"^[0-9A-Z]{6,32}\Z", "账号标识码应为6至32位大写字母或数字")


def _choices(enum) -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in enum]


class Unit(models.Model):
    """A unit that runs sites or accounts. County units hang under their 县市区 unit."""

    name = models.CharField("单位名称", max_length=200)
    level = models.CharField("层级", max_length=8, choices=_choices(UnitLevel))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name="上级单位")
    region = models.CharField("所属地区", max_length=50, help_text="“市直”或县市区名称，如 琅琊区",
                              db_index=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "region"], name="roster_unit_name_region_uniq"),
        ]

    def __str__(self) -> str:
        return self.name if self.region in ("市直", self.name) else f"{self.name}（{self.region}）"


class Site(models.Model):
    code = models.CharField("网站标识码", max_length=10, unique=True, validators=[site_code_validator])
    name = models.CharField("网站名称", max_length=200)
    # CharField + validator: the form keeps what the office typed (no scheme guessing).
    homepage = models.CharField("首页网址", max_length=500,
                                validators=[URLValidator(schemes=["http", "https"])])
    kind = models.CharField("网站类型", max_length=8, choices=_choices(SiteKind))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="sites", verbose_name="主办单位")
    extra_hosts = models.JSONField("其他域名", default=list, blank=True,
                                   help_text="网站使用的其他域名列表，如 [\"chuzhou.gov.cn\"]")

    class Meta:
        verbose_name = "网站"
        verbose_name_plural = "网站"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def hosts(self) -> tuple[str, ...]:
        hosts = [homepage_host(self.homepage)]
        hosts += [h for h in (self.extra_hosts or []) if h and h not in hosts]
        return tuple(h for h in hosts if h)

    def to_ref(self) -> SiteRef:
        return SiteRef(code=self.code, name=self.name, homepage=self.homepage,
                       kind=SiteKind(self.kind), hosts=self.hosts)


class Account(models.Model):
    code = models.CharField("账号标识码", max_length=32, unique=True, validators=[account_code_validator])
    platform = models.CharField("平台", max_length=16, choices=_choices(Platform))
    name = models.CharField("账号名称", max_length=200)
    certified_subject = models.CharField("认证主体", max_length=200, blank=True)
    filed = models.BooleanField("是否备案", default=False)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="accounts", verbose_name="主办单位")

    class Meta:
        verbose_name = "政务新媒体"
        verbose_name_plural = "政务新媒体"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.platform}）"
