"""The eval report's pictures as inline SVG (no plotting library): a confusion matrix and a reliability diagram.

A reliability diagram puts the confidence a verdict was given against how often verdicts given that confidence
were right: a calibrated engine's bars sit on the diagonal; bars below it mean over-confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BINS = 10


def reliability(points: Sequence[tuple[float, bool]], bins: int = BINS) -> list[tuple[float, float, int]]:
    """Per confidence bin that holds any verdict: (mean confidence, accuracy, count)."""
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for confidence, correct in points:
        grouped[min(bins - 1, max(0, int(confidence * bins)))].append((confidence, correct))
    return [(sum(c for c, _ in g) / len(g), sum(ok for _, ok in g) / len(g), len(g)) for g in grouped if g]


def expected_calibration_error(points: Sequence[tuple[float, bool]]) -> float | None:
    """The count-weighted gap between confidence and accuracy over the bins (0 = calibrated)."""
    if not points:
        return None
    return sum(n * abs(conf - acc) for conf, acc, n in reliability(points)) / len(points)


def reliability_svg(points: Sequence[tuple[float, bool]], size: int = 240) -> str:
    pad, inner = 36, size - 48

    def x(v: float) -> float:
        return pad + v * inner

    def y(v: float) -> float:
        return size - pad + 12 - v * inner

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{size}' height='{size}' role='img' "
             f"aria-label='reliability diagram'><rect width='{size}' height='{size}' fill='white'/>",
             f"<line x1='{x(0)}' y1='{y(0)}' x2='{x(1)}' y2='{y(1)}' stroke='#999' stroke-dasharray='4 3'/>",
             f"<line x1='{x(0)}' y1='{y(0)}' x2='{x(1)}' y2='{y(0)}' stroke='#333'/>",
             f"<line x1='{x(0)}' y1='{y(0)}' x2='{x(0)}' y2='{y(1)}' stroke='#333'/>"]
    width = inner / BINS
    for conf, acc, n in reliability(points):
        left = x(min(int(conf * BINS), BINS - 1) / BINS)
        parts.append(f"<rect x='{left + 1:.1f}' y='{y(acc):.1f}' width='{width - 2:.1f}' "
                     f"height='{y(0) - y(acc):.1f}' fill='{'#4a8' if abs(conf - acc) < 0.1 else '#c64'}' "
                     f"opacity='0.8'><title>confidence {conf:.2f}: {acc:.0%} right of {n}</title></rect>")
    for tick in (0, 0.5, 1):
        parts.append(f"<text x='{x(tick)}' y='{y(0) + 14}' font-size='10' text-anchor='middle'>{tick}</text>")
        parts.append(f"<text x='{x(0) - 6}' y='{y(tick) + 3}' font-size='10' text-anchor='end'>{tick}</text>")
    parts.append(f"<text x='{x(0.5)}' y='{size - 2}' font-size='11' text-anchor='middle'>confidence</text>")
    parts.append(f"<text x='10' y='{y(0.5)}' font-size='11' text-anchor='middle' "
                 f"transform='rotate(-90 10 {y(0.5)})'>accuracy</text>")
    if not points:
        parts.append(f"<text x='{x(0.5)}' y='{y(0.5)}' font-size='12' text-anchor='middle'>no verdicts</text>")
    return "".join(parts) + "</svg>"


def confusion_svg(matrix: dict[str, dict[str, int]], cell: int = 46) -> str:
    """Rows: expected label; columns: predicted label; green diagonal, red elsewhere, shaded by count."""
    rows = list(matrix)
    columns = list(next(iter(matrix.values()))) if matrix else []
    left, top = 150, 110
    width, height = left + cell * len(columns) + 8, top + cell * len(rows) + 8
    top_count = max([1] + [n for row in matrix.values() for n in row.values()])
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
             f"aria-label='confusion matrix'><rect width='{width}' height='{height}' fill='white'/>",
             f"<text x='{left}' y='12' font-size='11'>predicted →</text>",
             f"<text x='4' y='{top - 6}' font-size='11'>expected ↓</text>"]
    for j, label in enumerate(columns):
        cx = left + j * cell + cell / 2
        parts.append(f"<text x='{cx}' y='{top - 6}' font-size='10' transform='rotate(-45 {cx} {top - 6})'>"
                     f"{escape(label)}</text>")
    for i, expected in enumerate(rows):
        cy = top + i * cell
        parts.append(f"<text x='{left - 6}' y='{cy + cell / 2 + 4}' font-size='10' text-anchor='end'>"
                     f"{escape(expected)}</text>")
        for j, predicted in enumerate(columns):
            count = matrix[expected].get(predicted, 0)
            colour = "40,140,80" if predicted == expected else "200,50,50"
            parts.append(f"<rect x='{left + j * cell}' y='{cy}' width='{cell - 2}' height='{cell - 2}' "
                         f"fill='rgba({colour},{0.08 + 0.92 * count / top_count:.2f})'/>"
                         f"<text x='{left + j * cell + cell / 2 - 1}' y='{cy + cell / 2 + 4}' font-size='12' "
                         f"text-anchor='middle'>{count}</text>")
    return "".join(parts) + "</svg>"
