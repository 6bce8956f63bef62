"""REST API views. Every queryset comes from the request user's ``Scope`` (accounts.scope), as
in the workspace: an object of another unit answers 404 exactly like one that does not exist,
and write actions call the same services as the workspace and the CLI."""

from __future__ import annotations

import tempfile
from pathlib import Path

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from govinspect.web.api import serializers as s
from govinspect.web.api.permissions import ALL, OFFICE, REVIEWERS, scope_of
from govinspect.web.rounds.models import Round


def problem(message: str, problems: list[str] | None = None,
            code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    body = {"detail": message}
    if problems:
        body["problems"] = list(problems)
    return Response(body, status=code)


class ScopedViewSet(viewsets.GenericViewSet):
    roles = ALL
    action_roles: dict = {}
    lookup_value_converter = "int"

    @property
    def scope(self):
        return scope_of(self.request)


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """名录中的单位（填报单位用户：本单位及下级单位）。"""

    serializer_class = s.UnitSerializer

    def get_queryset(self):
        return self.scope.units().order_by("pk")


class SiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """名录中的网站。"""

    serializer_class = s.SiteSerializer
    lookup_field = "code"
    lookup_value_converter = "str"

    def get_queryset(self):
        return self.scope.sites().select_related("unit").order_by("code")


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """名录中的政务新媒体账号。"""

    serializer_class = s.AccountSerializer
    lookup_field = "code"
    lookup_value_converter = "str"

    def get_queryset(self):
        return self.scope.accounts().select_related("unit").order_by("code")


class RosterImportView(APIView):
    """导入名录（与 ``govinspect roster import`` 相同：先全部校验，有问题则不写入任何内容）。"""

    roles = OFFICE
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": s.RosterImportSerializer},
                   responses={200: s.RosterImportResultSerializer, 400: s.ProblemSerializer})
    def post(self, request):
        from govinspect.web.roster.services import RosterImportError, import_roster

        form = s.RosterImportSerializer(data={"files": request.FILES.getlist("files")})
        form.is_valid(raise_exception=True)
        with tempfile.TemporaryDirectory(prefix="govinspect-roster-") as tmp:
            paths = []
            for i, upload in enumerate(form.validated_data["files"]):
                # keep the suffix (the reader goes by it), never the uploaded name itself
                path = Path(tmp) / f"{i}{Path(upload.name).suffix.lower()[:8]}"
                with path.open("wb") as fh:
                    for chunk in upload.chunks():
                        fh.write(chunk)
                paths.append(path)
            try:
                report = import_roster(*paths)
            except RosterImportError as exc:
                return problem("名录有问题，未导入任何内容", exc.problems)
        return Response({"lines": report.lines()})


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """检查轮次（填报单位用户：已发布通报的轮次）。"""

    serializer_class = s.RoundSerializer
    action_roles = {"create": OFFICE, "run": OFFICE, "progress": REVIEWERS}

    def get_queryset(self):
        return self.scope.rounds().select_related("publication").order_by("-reference_time")

    @extend_schema(request=s.RoundCreateSerializer,
                   responses={201: s.RoundSerializer, 400: s.ProblemSerializer})
    def create(self, request):
        from govinspect.web.rounds.services import RoundError, create_round

        form = s.RoundCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if Round.objects.filter(name=data["name"]).exists():
            return problem(f"轮次 {data['name']} 已存在")
        try:
            round_ = create_round(data["name"], data["reference_time"],
                                  indicator_set=data["indicator_set"],
                                  window_days=data["window_days"],
                                  site_codes=data.get("site_codes"))
        except (RoundError, FileNotFoundError, ValueError) as exc:
            return problem(str(exc))
        return Response(s.RoundSerializer(round_).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RoundRunSerializer,
                   responses={202: s.EnqueuedSerializer, 503: s.ProblemSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """把本轮检查交给任务队列（采集、分析、评分、报告）；未配置任务队列时返回 503。"""
        from govinspect.web.pipeline.queue import QueueUnavailable, enqueue_round

        round_ = self.scope.get_round(pk)
        form = s.RoundRunSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            task_id = enqueue_round(round_, **form.validated_data)
        except QueueUnavailable as exc:
            return problem(str(exc), code=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"round": round_.pk, "task_id": task_id, "stage": "round"},
                        status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=s.StageSerializer(many=True))
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """本轮在任务队列中的进度：各阶段的状态、执行次数、执行者，采集阶段各网站已采集的页面数。"""
        from govinspect.web.pipeline.services import round_progress

        round_ = self.scope.get_round(pk)
        return Response(s.StageSerializer(round_progress(round_), many=True).data)

    @extend_schema(responses=s.ScoresSerializer)
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        """本轮得分（与通报同一计算，含复核结果）；填报单位用户只看到本单位的网站和账号。"""
        from govinspect.web.rounds.notice import score_db_round

        round_ = self.scope.get_round(pk)
        summary = score_db_round(round_, compare=False)
        sites = set(self.scope.sites(round_.sites.all()).values_list("code", flat=True))
        accounts = set(self.scope.accounts(round_.accounts.all()).values_list("code", flat=True))
        data = {"round": round_.pk,
                "sites": [r for r in summary.sites if r.entry.site.code in sites],
                "accounts": [r for r in summary.accounts if r.entry.code in accounts]}
        return Response(s.ScoresSerializer(data).data)


ROUND_FILTER = OpenApiParameter("round", int, description="只列出该轮次的问题")
SUBJECT_FILTER = OpenApiParameter("subject", str, description="网站或账号标识码")


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """检查发现的问题及其证据（网址、来源页、上下文、采集引用、回放链接）。"""

    serializer_class = s.FindingSerializer

    def get_queryset(self):
        qs = self.scope.findings().select_related("site", "account").order_by("pk")
        params = self.request.query_params
        if params.get("round", "").isdigit():
            qs = qs.filter(round_id=int(params["round"]))
        if params.get("subject"):
            code = params["subject"]
            qs = qs.filter(site__code=code) | qs.filter(account__code=code)
        return qs

    @extend_schema(parameters=[ROUND_FILTER, SUBJECT_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """整改事项；``transition`` 改变状态（填报单位：已整改；组织单位/检查员：已核验/未通过）。"""

    serializer_class = s.ItemSerializer

    def get_queryset(self):
        qs = (self.scope.items().select_related("unit", "site", "account")
              .prefetch_related("findings").order_by("pk"))
        if self.request.query_params.get("round", "").isdigit():
            qs = qs.filter(round_id=int(self.request.query_params["round"]))
        return qs

    @extend_schema(parameters=[ROUND_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"application/json": s.TransitionSerializer,
                            "multipart/form-data": s.TransitionSerializer},
                   responses={200: s.AuditEntrySerializer, 400: s.ProblemSerializer})
    @action(detail=True, methods=["post"],
            parser_classes=[JSONParser, MultiPartParser, FormParser])
    def transition(self, request, pk=None):
        from govinspect.web.rectify.models import ItemState
        from govinspect.web.rectify.recheck import submit_recheck
        from govinspect.web.rectify.services import RectifyError, transition

        item = self.scope.get_item(pk)
        form = s.TransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            entry = transition(self.scope, item, data["to_state"], data["reason"],
                               data.get("file"))
        except RectifyError as exc:
            return problem(str(exc))
        if entry.to_state == ItemState.FIXED:  # the platform re-checks it (rectify/recheck.py)
            submit_recheck(item)
        return Response(s.AuditEntrySerializer(entry).data)


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """复核决定（仅组织单位和检查员）；POST 确认或排除问题。"""

    serializer_class = s.DecisionSerializer
    roles = REVIEWERS

    def get_queryset(self):
        return self.scope.decisions().select_related("site", "account").order_by("pk")

    @extend_schema(request=s.DecideSerializer,
                   responses={201: s.DecisionSerializer(many=True), 400: s.ProblemSerializer})
    def create(self, request):
        from govinspect.web.decisions.services import DecisionError, decide

        form = s.DecideSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        ids = set(data["findings"])
        findings = list(self.scope.findings().filter(pk__in=ids).select_related("round"))
        if len(findings) != len(ids):
            return problem("没有找到，或无权查看", code=status.HTTP_404_NOT_FOUND)
        try:
            made = decide(self.scope, findings, data["verdict"], data["scope"], data["reason"],
                          data.get("expires_on"))
        except DecisionError as exc:
            return problem(str(exc))
        return Response(s.DecisionSerializer(made, many=True).data,
                        status=status.HTTP_201_CREATED)
