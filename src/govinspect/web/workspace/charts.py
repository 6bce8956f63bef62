"""Charts of the round dashboard as server-side SVG: no script, no asset from outside, the same
picture with or without a network. Values come from the scored round (``score_db_round``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Score bands of the distribution: the pass line (60), the bonus line (80), 90 (评分靠前), 100.
BANDS: tuple[tuple[str, Decimal | None, Decimal | None], ...] = (
    ("<60", None, Decimal(60)),
    ("60–70", Decimal(60), Decimal(70)),
    ("70–80", Decimal(70), Decimal(80)),
    ("80–90", Decimal(80), Decimal(90)),
    ("90–100", Decimal(90), Decimal(100)),
    ("≥100", Decimal(100), None),
)


def band_counts(scores: Sequence[Decimal]) -> list[tuple[str, int]]:
    out = []
    for label, low, high in BANDS:
        n = sum(1 for s in scores if (low is None or s >= low) and (high is None or s < high))
        out.append((label, n))
    return out


def histogram(counts: Sequence[tuple[str, int]], *, title: str, width: int = 520,
              height: int = 220) -> SafeString:
    """Vertical bars, one per band, with the count above each bar."""
    pad_l, pad_b, pad_t = 30, 30, 24
    n = max(len(counts), 1)
    top = max((c for _, c in counts), default=0) or 1
    slot = (width - pad_l - 10) / n
    bar_h = height - pad_b - pad_t
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
             f'{height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - 10}" y2="{height - pad_b}" '
             'stroke="#666"/>']
    for i, (label, count) in enumerate(counts):
        h = bar_h * count / top
        x = pad_l + i * slot + slot * 0.15
        y = height - pad_b - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                     f'fill="#9c0006"><title>{escape(label)}：{count}</title></rect>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                     f'font-size="12">{count}</text>')
        parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - pad_b + 16}" '
                     f'text-anchor="middle" font-size="12">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above


@dataclass(frozen=True)
class Change:
    label: str
    previous: Decimal | None
    current: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


def change_bars(rows: Sequence[Change], *, title: str, width: int = 640) -> SafeString:
    """Horizontal bars centred on 0: each site's score change vs the previous round."""
    row_h, pad_t, label_w = 20, 24, 220
    height = pad_t + row_h * max(len(rows), 1) + 10
    span = max((abs(r.delta) for r in rows if r.delta is not None), default=Decimal(0))
    span = span or Decimal(1)
    mid = label_w + (width - label_w - 60) / 2
    half = (width - label_w - 60) / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
             f'{height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="{mid:.1f}" y1="{pad_t - 6}" x2="{mid:.1f}" y2="{height - 6}" '
             'stroke="#666"/>']
    for i, r in enumerate(rows):
        y = pad_t + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" '
                     f'font-size="12">{escape(r.label[:18])}</text>')
        if r.delta is None:
            text = "无上一轮得分" if r.previous is None else "本轮无得分"
            parts.append(f'<text x="{mid + 4:.1f}" y="{y + 14}" font-size="12" '
                         f'fill="#666">{text}</text>')
            continue
        w = float(abs(r.delta) / span) * half
        x = mid if r.delta >= 0 else mid - w
        color = "#2e7d32" if r.delta >= 0 else "#c62828"
        sign = "+" if r.delta > 0 else ""
        parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 6}" '
                     f'fill="{color}"><title>{escape(r.label)}：{r.previous} → {r.current}'
                     f'</title></rect>')
        tx = mid + w + 4 if r.delta >= 0 else mid - w - 4
        anchor = "start" if r.delta >= 0 else "end"
        parts.append(f'<text x="{tx:.1f}" y="{y + 14}" text-anchor="{anchor}" '
                     f'font-size="12">{sign}{r.delta}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above
