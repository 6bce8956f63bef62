from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from govinspect.web.decisions.models import DecisionScope, Verdict
from govinspect.web.rectify.models import ItemState


def _year_from_now() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(label="复核结论", choices=Verdict.choices)
    scope = forms.ChoiceField(label="适用范围", choices=DecisionScope.choices,
                              initial=DecisionScope.FINDING)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)
    expires_on = forms.DateField(label="有效期至", initial=_year_from_now,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class BulkDecisionForm(DecisionForm):
    findings = forms.TypedMultipleChoiceField(label="问题", coerce=int, choices=())

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].choices = choices


class FlagForm(forms.Form):
    reason = forms.CharField(label="需要复核的原因", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)


class PublishForm(forms.Form):
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label="改为", choices=ItemState.choices)
    reason = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=4000)
    file = forms.FileField(label="附件（可选）", required=False)
