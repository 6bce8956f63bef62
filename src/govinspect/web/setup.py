"""Start Django from the CLI or a worker: settings, the workspace folder, migrations."""

from __future__ import annotations

import os

_ready = False


def django_setup(migrate: bool = True) -> None:
    """Configure Django once per process; create the workspace and apply migrations."""
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govinspect.web.settings")
    import django
    from django.conf import settings

    django.setup()
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.WORKSPACE.mkdir(parents=True, exist_ok=True)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    _ready = True
