"""What the API shows of each object. Every queryset these serialise comes from a ``Scope``."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from govinspect.web.decisions.models import Decision, DecisionScope, Verdict
from govinspect.web.rectify.models import Item, ItemState
from govinspect.web.roster.models import Account, Site, Unit
from govinspect.web.rounds.models import Finding, Round


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "level", "region", "parent"]


class SiteSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    unit_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Site
        fields = ["code", "name", "homepage", "kind", "unit", "unit_id", "extra_hosts"]


class AccountSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    unit_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Account
        fields = ["code", "platform", "name", "certified_subject", "filed", "unit", "unit_id"]


class RoundSerializer(serializers.ModelSerializer):
    published = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = ["id", "name", "reference_time", "window_start", "window_end",
                  "indicator_set", "created", "published"]

    def get_published(self, obj: Round) -> bool:
        return hasattr(obj, "publication")


class RoundCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    reference_time = serializers.DateTimeField()
    indicator_set = serializers.CharField(max_length=50, default="national-2019")
    window_days = serializers.IntegerField(min_value=1, max_value=366, default=7)
    site_codes = serializers.ListField(child=serializers.CharField(max_length=10),
                                       required=False, allow_empty=False)


class RoundRunSerializer(serializers.Serializer):
    allow_private = serializers.BooleanField(default=False)
    workers = serializers.IntegerField(min_value=1, max_value=64, default=1)


class EnqueuedSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    task_id = serializers.CharField()
    stage = serializers.CharField()


class StageSiteSerializer(serializers.Serializer):
    code = serializers.CharField()
    pages = serializers.IntegerField()

    def to_representation(self, instance):
        code, pages = instance
        return {"code": code, "pages": pages}


class StageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    key = serializers.CharField()
    state = serializers.CharField()
    done = serializers.BooleanField()
    attempts = serializers.IntegerField()
    worker = serializers.CharField()
    started = serializers.CharField()
    error = serializers.CharField()
    sites = StageSiteSerializer(many=True)


class DeductionSerializer(serializers.Serializer):
    indicator_id = serializers.CharField()
    points = serializers.FloatField(source="applied")
    findings = serializers.SerializerMethodField()

    def get_findings(self, obj) -> int:
        return len(obj.fingerprints)


class VetoSerializer(serializers.Serializer):
    indicator_id = serializers.CharField()
    item = serializers.CharField()
    problem = serializers.CharField()


class SiteScoreSerializer(serializers.Serializer):
    site = serializers.CharField(source="entry.site.code")
    name = serializers.CharField(source="entry.site.name")
    kind = serializers.CharField(source="entry.site.kind.value")
    region = serializers.CharField(source="entry.region")
    score = serializers.CharField(source="score.score_text")
    final = serializers.DecimalField(source="score.final", max_digits=7, decimal_places=2,
                                     allow_null=True)
    passed = serializers.BooleanField(source="score.passed")
    vetoes = VetoSerializer(source="score.vetoes", many=True)
    deductions = DeductionSerializer(source="score.deductions", many=True)
    bonuses = DeductionSerializer(source="score.bonuses", many=True)


class AccountScoreSerializer(serializers.Serializer):
    account = serializers.CharField(source="entry.code")
    name = serializers.CharField(source="entry.name")
    platform = serializers.CharField(source="entry.platform")
    passed = serializers.BooleanField(source="score.passed")
    vetoes = VetoSerializer(source="score.vetoes", many=True)


class ScoresSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    sites = SiteScoreSerializer(many=True)
    accounts = AccountScoreSerializer(many=True)


class EvidenceSerializer(serializers.Serializer):
    url = serializers.CharField()
    parent_url = serializers.CharField()
    context = serializers.CharField()
    span = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    capture = serializers.CharField(allow_null=True, help_text="WARC 文件#偏移")
    page = serializers.URLField(help_text="工作台中的问题页面")
    replay = serializers.URLField(allow_null=True, help_text="采集页面的回放（无采集时为空）")


class FindingSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="round_id")
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    account = serializers.SlugRelatedField(slug_field="code", read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "round", "rule_id", "indicator_id", "item", "site", "account", "message",
                  "confidence", "review_state", "review_reason", "fingerprint", "first_seen",
                  "last_seen", "evidence"]

    def get_evidence(self, obj: Finding) -> EvidenceSerializer:
        request = self.context.get("request")

        def link(name: str) -> str:
            path = reverse(name, args=[obj.pk])
            return request.build_absolute_uri(path) if request else path

        return {"url": obj.url, "parent_url": obj.parent_url, "context": obj.context,
                "span": [obj.span_start, obj.span_end] if obj.span_start is not None else None,
                "capture": obj.capture, "page": link("workspace:finding"),
                "replay": link("workspace:capture") if obj.capture or obj.site_id else None}


class ItemSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="round_id")
    unit = serializers.CharField(source="unit.name")
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    account = serializers.SlugRelatedField(slug_field="code", read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Item
        fields = ["id", "round", "unit", "site", "account", "rule_id", "indicator_id", "item",
                  "title", "message", "pages", "counted", "state", "deadline", "findings"]


class TransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=ItemState.choices)
    reason = serializers.CharField(max_length=2000)
    file = serializers.FileField(required=False)


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    actor_name = serializers.CharField()


class DecisionSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    account = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "verdict", "scope", "round", "finding", "rule_id", "site", "account",
                  "fingerprint", "url", "term", "reason", "expires_on", "revoked_at"]


class DecideSerializer(serializers.Serializer):
    findings = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    scope = serializers.ChoiceField(choices=DecisionScope.choices, default=DecisionScope.FINDING)
    reason = serializers.CharField(max_length=2000)
    expires_on = serializers.DateField(required=False)


class RosterImportSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False,
                                  help_text="名录文件（.xlsx/.xls/.csv），可多个")


class RosterImportResultSerializer(serializers.Serializer):
    lines = serializers.ListField(child=serializers.CharField())


class ProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField(), required=False)
