"""`govinspect …` — the command line. Each command group lives beside the code it drives;
this module only assembles them. Messages for the office are in Chinese."""

from __future__ import annotations

import click

from govinspect import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govinspect")
def main() -> None:
    """govinspect：政府网站与政务新媒体检查平台。"""


def _register() -> None:
    from govinspect.demo.cli import demo
    from govinspect.extract.cli import extract
    from govinspect.lexicons.cli import check_text_command
    from govinspect.web.accounts.cli import user
    from govinspect.web.cli import serve
    from govinspect.web.review.cli import review
    from govinspect.web.roster.cli import roster
    from govinspect.web.rounds.cli import report, round_
    from govinspect.web.rounds.probe_cli import probe

    for command in (roster, round_, report, demo, serve, extract, check_text_command,
                    probe, review, user):
        main.add_command(command)


_register()

if __name__ == "__main__":
    main()
