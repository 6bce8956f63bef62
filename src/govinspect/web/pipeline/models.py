"""Stages of a round run by the task queue: what is planned, queued, running, done, failed."""

from __future__ import annotations

from django.db import models

from govinspect.web.rounds.models import Round


class StageName(models.TextChoices):
    COLLECT = "collect", "采集"
    MERGE = "merge", "合并采集结果"
    ANALYSE = "analyse", "分析"
    REPORT = "report", "评分和报告"
    RECHECK = "recheck", "整改复查"
    PROBE = "probe", "可用性监测"


class StageState(models.TextChoices):
    PENDING = "pending", "等待"
    QUEUED = "queued", "已排队"
    RUNNING = "running", "进行中"
    DONE = "done", "完成"
    FAILED = "failed", "失败"


class Stage(models.Model):
    """One unit of work of a round. (round, stage, key) is its identity; the Celery task id is
    derived from it, so a stage is queued once and a redelivered task finds its row."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="stages", verbose_name="轮次")
    stage = models.CharField("阶段", max_length=10, choices=StageName.choices)
    key = models.CharField("标识", max_length=50, help_text="shard-00 / round / item-12 …")
    state = models.CharField("状态", max_length=10, choices=StageState.choices,
                             default=StageState.PENDING)
    sites = models.JSONField("网站", default=list, blank=True)
    detail = models.JSONField("参数和结果", default=dict, blank=True)
    task_id = models.CharField("任务标识", max_length=200, blank=True, default="")
    attempts = models.IntegerField("执行次数", default=0)
    worker = models.CharField("执行者", max_length=200, blank=True, default="")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    error = models.TextField("错误", blank=True, default="")

    class Meta:
        verbose_name = "任务阶段"
        verbose_name_plural = "任务阶段"
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "stage", "key"],
                                               name="pipeline_stage_round_stage_key_uniq")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.stage}/{self.key}: {self.state}"

    @property
    def task_name(self) -> str:
        return f"govinspect-{self.round_id}-{self.stage}-{self.key}"
