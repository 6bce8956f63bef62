"""Distributed pipeline: the round's stages as Celery tasks (Redis broker, shared database).

Without a broker configured (``GOVINSPECT_BROKER_URL`` unset) nothing here is used: the CLI runs
the same stages in-process. docs/scale.md."""
