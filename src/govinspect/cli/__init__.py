"""`govinspect …` — the command line (the CLI layer, above every other package). One module per
command group in this package; this module only assembles them. Messages for the office are
in Chinese."""

from __future__ import annotations

import click

from govinspect import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govinspect")
def main() -> None:
    """govinspect：政府网站与政务新媒体检查平台。"""


def _register() -> None:
    from govinspect.cli.alerts import alerts
    from govinspect.cli.check_text import check_text_command
    from govinspect.cli.demo import demo
    from govinspect.cli.demo_fix import demo_fix
    from govinspect.cli.demo_real import demo_real
    from govinspect.cli.extract import extract
    from govinspect.cli.probe import probe
    from govinspect.cli.queue import queue
    from govinspect.cli.review import review
    from govinspect.cli.roster import roster
    from govinspect.cli.rounds import report, round_
    from govinspect.cli.serve import serve
    from govinspect.cli.user import user

    for command in (roster, round_, report, demo, demo_fix, demo_real, serve, extract,
                    check_text_command, probe, review, user, alerts, queue):
        main.add_command(command)


_register()
