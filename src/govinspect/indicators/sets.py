"""Moved to ``govinspect.core.indicator_sets`` (rules need the type, and rules sit below
``indicators/``). This alias keeps branches in flight importing; import from core in new code."""

from govinspect.core.indicator_sets import (  # noqa: F401
    FAMILIES,
    SITE_KINDS,
    SUBJECTS,
    IndicatorSet,
    IndicatorSetError,
    dec,
    load_indicator_set,
    validate,
)
