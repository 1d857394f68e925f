"""Scores: accuracy, balanced accuracy and a confusion matrix of verdicts; retrieval recall and MRR."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import VERDICTS


def confusion(pairs: Sequence[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """expected label -> predicted label -> count."""
    labels = list(VERDICTS) + sorted({p for _, p in pairs} - set(VERDICTS))
    matrix = {e: dict.fromkeys(labels, 0) for e in VERDICTS}
    for expected, predicted in pairs:
        matrix.setdefault(expected, dict.fromkeys(labels, 0))
        matrix[expected][predicted] = matrix[expected].get(predicted, 0) + 1
    return matrix


def accuracy(pairs: Sequence[tuple[str, str]]) -> float | None:
    return sum(e == p for e, p in pairs) / len(pairs) if pairs else None


def balanced_accuracy(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Mean per-class recall over the classes that occur among the expected labels."""
    classes = sorted({e for e, _ in pairs})
    if not classes:
        return None
    recalls = []
    for label in classes:
        rows = [p for e, p in pairs if e == label]
        recalls.append(sum(p == label for p in rows) / len(rows))
    return sum(recalls) / len(recalls)


def macro_f1(pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> float | None:
    """Mean F1 over `labels` (a label never predicted and never expected scores 0)."""
    if not pairs:
        return None
    scores = []
    for label in labels:
        hits = sum(e == label and p == label for e, p in pairs)
        expected = sum(e == label for e, _ in pairs)
        predicted = sum(p == label for _, p in pairs)
        scores.append(2 * hits / (expected + predicted) if expected + predicted else 0.0)
    return sum(scores) / len(scores)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
