"""The GLUE tasks: where each reads its text and label in the files the GLUE site ships.

Each task reads `train.tsv` and its dev file(s) from its GLUE folder (for
example `glue_data/MRPC/`). Columns are found by header name, except CoLA,
whose files have no header (source, label, original label, sentence). Labels
are GLUE's fixed lists, so label ids mean the same in every run.

Example:
>>> task = GLUE_TASKS["mrpc"]
>>> skipped = SkippedRows()  # doctest: +SKIP
>>> train = task.read("glue_data/MRPC", "train", skipped)  # doctest: +SKIP
"""

import dataclasses
import os
from typing import Optional

import tensorflow as tf

from keras_electra.errors import DataError
from keras_electra.tasks.sentence_tsv import read_columns


@dataclasses.dataclass(frozen=True)
class GlueTask:
    """Where a GLUE task's data is and how it is scored.

    Attributes:
        name: lower-case task name (`cola`, `sst2`, ...).
        columns: (text_a, text_b or None): header names, or indices if no header.
        label_column: header name or index of the label.
        labels: the label list (None for regression).
        metrics: metric names (see `keras_electra.tasks.metrics.METRICS`).
        main_metric: the metric that selects the best epoch.
        dev_files: {split name: file name} of the evaluation sets.
        header: whether the files start with a header row.
    """

    name: str
    columns: tuple
    label_column: object
    labels: Optional[tuple]
    metrics: tuple
    main_metric: str
    dev_files: tuple = (("dev", "dev.tsv"),)
    header: bool = True

    @property
    def regression(self):
        return self.labels is None

    def file_for(self, split):
        if split == "train":
            return "train.tsv"
        files = dict(self.dev_files)
        if split not in files:
            raise ValueError(f"GLUE task {self.name} has no split {split!r}; it has {sorted(files)}.")
        return files[split]

    def read(self, data_dir, split, skipped):
        """The examples of `split` ("train" or a dev split name) under `data_dir`."""
        path = os.path.join(data_dir, self.file_for(split))
        if not tf.io.gfile.exists(path):
            raise DataError(
                f"{path} does not exist; `data_dir` should be the {self.name.upper()} "
                f"folder of GLUE (holding train.tsv and {', '.join(f for _, f in self.dev_files)})."
            )
        return read_columns(
            path,
            self.columns,
            skipped,
            header=self.header,
            label_column=self.label_column,
            regression=self.regression,
        )


_BINARY = ("0", "1")
_ENTAILMENT = ("entailment", "not_entailment")

GLUE_TASKS = {
    task.name: task
    for task in [
        GlueTask("cola", (3, None), 1, _BINARY, ("matthews", "accuracy"), "matthews", header=False),
        GlueTask("sst2", ("sentence", None), "label", _BINARY, ("accuracy",), "accuracy"),
        GlueTask(
            "mrpc", ("#1 String", "#2 String"), "Quality", _BINARY, ("accuracy", "f1"), "f1"
        ),
        GlueTask(
            "stsb", ("sentence1", "sentence2"), "score", None, ("pearson", "spearman"), "spearman"
        ),
        GlueTask(
            "qqp", ("question1", "question2"), "is_duplicate", _BINARY, ("accuracy", "f1"), "f1"
        ),
        GlueTask(
            "mnli",
            ("sentence1", "sentence2"),
            "gold_label",
            ("contradiction", "entailment", "neutral"),
            ("accuracy",),
            "accuracy",
            dev_files=(("dev_matched", "dev_matched.tsv"), ("dev_mismatched", "dev_mismatched.tsv")),
        ),
        GlueTask("qnli", ("question", "sentence"), "label", _ENTAILMENT, ("accuracy",), "accuracy"),
        GlueTask("rte", ("sentence1", "sentence2"), "label", _ENTAILMENT, ("accuracy",), "accuracy"),
        GlueTask("wnli", ("sentence1", "sentence2"), "label", _BINARY, ("accuracy",), "accuracy"),
    ]
}
