"""The report's pictures: reliability bins are confidence against accuracy, and the SVGs draw what they say."""

from __future__ import annotations

import pytest

from assistant.evaluate.charts import confusion_svg, expected_calibration_error, reliability, reliability_svg


def test_reliability_bins_compare_confidence_with_accuracy() -> None:
    points = [(0.95, True), (0.9, False), (0.15, False), (0.1, False), (1.0, True)]
    bins = reliability(points)
    assert [(round(c, 3), a, n) for c, a, n in bins] == [(0.125, 0.0, 2), (0.95, 2 / 3, 3)]
    assert expected_calibration_error(points) == pytest.approx((2 * 0.125 + 3 * abs(0.95 - 2 / 3)) / 5)
    assert expected_calibration_error([]) is None


def test_svgs_hold_one_mark_per_bin_and_per_cell() -> None:
    svg = reliability_svg([(0.95, True), (0.15, False)])
    assert svg.startswith("<svg") and svg.count("<rect") == 1 + 2  # the background and two bins
    matrix = {"supported": {"supported": 3, "contradicted": 1}, "contradicted": {"supported": 0, "contradicted": 2}}
    grid = confusion_svg(matrix)
    assert grid.count("<rect") == 1 + 4 and ">3</text>" in grid and "predicted" in grid
    assert "no verdicts" in reliability_svg([])
