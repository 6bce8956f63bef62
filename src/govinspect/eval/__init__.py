"""`make eval`: accuracy of every detector against ground truth.

Each module of this package that defines ``evaluate() -> list[Table]`` is one evaluation
(demo network manifest, real labelled pages, text corpora …). ``python -m govinspect.eval``
runs them all (or those named on the command line), prints the tables and writes
``eval/results.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Table:
    name: str  # stable key in results.json, e.g. "demo.rules"
    title: str  # printed heading
    columns: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)  # seed, sizes, what the data is

    def as_dict(self) -> dict:
        return asdict(self)


def prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    """Precision and recall; None where undefined (no predictions / no truth)."""
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
