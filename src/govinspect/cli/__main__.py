"""`python -m govinspect.cli …`."""

from govinspect.cli import main

main()
