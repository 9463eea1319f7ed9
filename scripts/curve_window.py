"""The learning curve's two figures over a window of steps, the same for every implementation.

`rank_auc` is the exact ROC AUC (the Mann-Whitney statistic, ties counted half) of the
discriminator's raw logits over every non-pad token; `CurveWindow` gathers a window of
steps' records and returns (disc_auc, mlm_accuracy) of the whole window, not a mean of
per-step figures, so a step with few replacements weighs as little as it should.

A step's record is a dict of numpy arrays: `disc_logits`, `replaced`, `padding_mask`
([batch, length]) and `mlm_hits`, `masked_weights` ([batch, slots]; a hit is an argmax
equal to the original token).

Example:
>>> rank_auc(np.array([0, 1, 0, 1]), np.array([0.1, 0.8, 0.3, 0.3]))
0.875
>>> window = CurveWindow()
>>> window.add(record)                 # doctest: +SKIP
>>> disc_auc, mlm_accuracy = window.result()  # doctest: +SKIP
"""

import numpy as np


def rank_auc(labels, scores):
    """Exact ROC AUC of float `scores` for 0/1 `labels`, tied scores given their mean rank."""
    labels, scores = np.asarray(labels), np.asarray(scores, np.float64)
    order = np.argsort(scores, kind="stable")
    _, first, counts = np.unique(scores[order], return_index=True, return_counts=True)
    ranks = np.empty(len(scores))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)
    positive = labels == 1
    n_pos, n_neg = positive.sum(), (~positive).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


class CurveWindow:
    """Collects steps' records; `result()` gives the window's figures and starts a new one."""

    def __init__(self):
        self._labels, self._scores, self._hits, self._slots = [], [], [], 0.0

    def add(self, record):
        real = record["padding_mask"] == 1
        self._labels.append(record["replaced"][real])
        self._scores.append(record["disc_logits"][real])
        weights = record["masked_weights"]
        self._hits.append(float((record["mlm_hits"] * weights).sum()))
        self._slots += float(weights.sum())

    def result(self):
        auc = rank_auc(np.concatenate(self._labels), np.concatenate(self._scores))
        accuracy = sum(self._hits) / self._slots if self._slots else float("nan")
        self.__init__()
        return auc, accuracy
