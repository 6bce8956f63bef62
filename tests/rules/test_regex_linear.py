"""Every regex the rules run over page text grows linearly with the input (issue 16): each
module-level pattern of ``govinspect.rules.*`` is run over adversarial inputs of 1 KB, 100 KB
and 1 MB (long runs of letters, digits, spaces, Han characters, CSS and markup fragments
without their closing parts), and the CPU-time ratios are asserted, never a wall-clock limit.

A linear pattern costs about 100x from 1 KB to 100 KB and 10x from 100 KB to 1 MB; a
quadratic one 10,000x and 100x. The bounds leave room for noise on a loaded machine. Also the
stylesheet and declaration parsers of the dark-link rule (a 100 KB ``<style>`` without braces
took 159 s with the old patterns)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import pytest

import govinspect.rules as rules_pkg

FILLERS = ("a", "1", " ", "中", "年", "-1", "a:", ":", "{", "/*", "<a ", "href=", "@media",
           "1.", "a-")
SIZES = (1_000, 100_000, 1_000_000)


def _patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for info in pkgutil.iter_modules(rules_pkg.__path__):
        module = importlib.import_module(f"govinspect.rules.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                out.append((f"{info.name}.{name}", value))
    return out


def _cpu(fn, text: str) -> float:
    """Best CPU time of a few runs (repeated until at least ~20 ms so that small inputs are
    measurable)."""
    best = float("inf")
    for _ in range(2):
        n, start = 0, time.process_time()
        while True:
            fn(text)
            n += 1
            spent = time.process_time() - start
            if spent >= 0.01 or n >= 2000:
                break
        best = min(best, spent / n)
    return max(best, 1e-7)


def assert_linear(fn, make, label: str) -> None:
    small, mid = _cpu(fn, make(SIZES[0])), _cpu(fn, make(SIZES[1]))
    assert mid / small < 2000, f"{label}: 1 KB→100 KB costs {mid / small:.0f}x (linear ≈100x)"
    big = _cpu(fn, make(SIZES[2]))
    assert big / mid < 40, f"{label}: 100 KB→1 MB costs {big / mid:.0f}x (linear ≈10x)"


PATTERNS = _patterns()


def test_the_rules_have_patterns_to_check():
    assert len(PATTERNS) >= 20


@pytest.mark.parametrize("name,pattern", PATTERNS, ids=[n for n, _ in PATTERNS])
def test_pattern_is_linear(name, pattern):
    def scan(text: str) -> None:
        for _ in pattern.finditer(text):
            pass

    def make(filler: str):
        return lambda n: (filler * (n // len(filler) + 1))[:n]

    def once(filler: str) -> float:
        start = time.process_time()
        scan(make(filler)(10_000))
        return time.process_time() - start

    # The ratio is measured on the filler that costs the pattern most at 10 KB.
    worst = max(FILLERS, key=once)
    for filler in (worst,):
        assert_linear(scan, make(filler), f"{name} × {filler!r}")


def test_dark_link_css_parsing_is_linear():
    from govinspect.rules.darklinks import _decls, css_rules

    for filler in ("a", "a:", ".x ", "/*", "@media ", "{", "}"):
        assert_linear(css_rules, lambda n, f=filler: (f * n)[:n], f"css_rules × {filler!r}")
        assert_linear(_decls, lambda n, f=filler: (f * n)[:n], f"_decls × {filler!r}")
