"""SkippedRows: the bad input a reader left out, counted and located, never silent."""

import dataclasses


@dataclasses.dataclass
class SkippedRows:
    """Counts of skipped input by reason, with where the first of each was.

    Readers add to it instead of dropping rows quietly; commands print
    `describe()` and store `to_json()` next to the metrics.

    Example:
    >>> skipped = SkippedRows()
    >>> skipped.add("missing_column", "train.tsv line 7")
    >>> skipped.describe()
    '1 row(s) skipped for missing_column (first: train.tsv line 7)'
    """

    counts: dict = dataclasses.field(default_factory=dict)
    first: dict = dataclasses.field(default_factory=dict)

    def add(self, reason, where, count=1):
        self.counts[reason] = self.counts.get(reason, 0) + count
        self.first.setdefault(reason, where)

    def merge(self, other):
        for reason, count in other.counts.items():
            self.add(reason, other.first[reason], count)

    def total(self):
        return sum(self.counts.values())

    def __bool__(self):
        return bool(self.counts)

    def describe(self):
        return "; ".join(
            f"{self.counts[r]} row(s) skipped for {r} (first: {self.first[r]})"
            for r in sorted(self.counts)
        )

    def to_json(self):
        return {r: {"count": self.counts[r], "first": self.first[r]} for r in sorted(self.counts)}
