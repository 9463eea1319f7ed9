"""The metrics GLUE reports: accuracy, F1, Matthews correlation, Pearson and Spearman.

Written with NumPy so the package needs neither scikit-learn nor SciPy; the
definitions are the textbook ones those libraries implement (ties share their
average rank in Spearman's, as in `scipy.stats.spearmanr`).
"""

import numpy as np


def _pair(labels, predictions):
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(
            f"labels and predictions must be 1-D of one length, got shapes "
            f"{labels.shape} and {predictions.shape}."
        )
    if labels.size == 0:
        raise ValueError("cannot compute a metric on zero examples.")
    return labels, predictions


def accuracy(labels, predictions):
    """Fraction of exact matches.

    >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    labels, predictions = _pair(labels, predictions)
    return float(np.mean(labels == predictions))


def f1_score(labels, predictions, positive=1):
    """F1 of the `positive` class (MRPC and QQP report it for class 1).

    >>> round(f1_score([1, 1, 0, 0], [1, 0, 1, 0]), 4)
    0.5
    """
    labels, predictions = _pair(labels, predictions)
    tp = np.sum((predictions == positive) & (labels == positive))
    fp = np.sum((predictions == positive) & (labels != positive))
    fn = np.sum((predictions != positive) & (labels == positive))
    return float(2 * tp / (2 * tp + fp + fn)) if tp else 0.0


def matthews_corrcoef(labels, predictions):
    """Matthews correlation (CoLA), multi-class form of Gorodkin (2004); 0 when undefined.

    >>> round(matthews_corrcoef([1, 1, 0, 0], [1, 0, 0, 0]), 4)
    0.5774
    """
    labels, predictions = _pair(labels, predictions)
    classes = np.unique(np.concatenate([labels, predictions]))
    index = {c: i for i, c in enumerate(classes)}
    confusion = np.zeros((len(classes), len(classes)), np.float64)
    for t, p in zip(labels, predictions):
        confusion[index[t], index[p]] += 1
    t_sum, p_sum = confusion.sum(axis=1), confusion.sum(axis=0)
    n, correct = confusion.sum(), np.trace(confusion)
    cov_tp = correct * n - np.dot(t_sum, p_sum)
    cov_pp = n * n - np.dot(p_sum, p_sum)
    cov_tt = n * n - np.dot(t_sum, t_sum)
    if cov_pp * cov_tt == 0:
        return 0.0
    return float(cov_tp / np.sqrt(cov_pp * cov_tt))


def pearson(labels, predictions):
    """Pearson's correlation (STS-B).

    >>> pearson([1, 2, 3], [2, 4, 6])
    1.0
    """
    x, y = (np.asarray(a, np.float64) for a in _pair(labels, predictions))
    x, y = x - x.mean(), y - y.mean()
    denominator = np.sqrt(np.dot(x, x) * np.dot(y, y))
    return float(np.dot(x, y) / denominator) if denominator else 0.0


def average_ranks(values):
    """1-based ranks, tied values sharing the mean of their ranks.

    >>> average_ranks([10, 20, 20, 30]).tolist()
    [1.0, 2.5, 2.5, 4.0]
    """
    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), np.float64)
    sorted_values = values[order]
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or sorted_values[end] != sorted_values[start]:
            ranks[order[start:end]] = (start + end + 1) / 2.0
            start = end
    return ranks


def spearman(labels, predictions):
    """Spearman's rank correlation: Pearson's on average ranks (STS-B).

    >>> spearman([1, 2, 3, 4], [1, 4, 9, 16])
    1.0
    """
    labels, predictions = _pair(labels, predictions)
    return pearson(average_ranks(labels), average_ranks(predictions))


METRICS = {
    "accuracy": accuracy,
    "f1": f1_score,
    "matthews": matthews_corrcoef,
    "pearson": pearson,
    "spearman": spearman,
}


def compute_metrics(names, labels, predictions):
    """{name: value} for the metric `names` (keys of `METRICS`)."""
    return {name: METRICS[name](labels, predictions) for name in names}
