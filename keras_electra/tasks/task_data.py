"""Everything a fine-tuning run needs from a task name and a data folder.

`load_task` reads the train and dev files of a task (`cola` ... `wnli`,
`tsv`, `tagging`, `squad`, `squadv1`), checks them, and returns a `TaskData`
that builds the task model on an encoder, gives tf.data datasets for
training and scores the dev set(s) with the task's official metrics.

Example:
>>> data = load_task("tsv", "classify/bbc", tokenizer, max_seq_length=128)  # doctest: +SKIP
>>> model = data.build_model(encoder)                                       # doctest: +SKIP
>>> model.fit(data.train_dataset(batch_size=32, seed=0))                     # doctest: +SKIP
>>> data.evaluate(model)                                                     # doctest: +SKIP
{'dev': {'accuracy': 0.97}}
"""

import os

import numpy as np
import tensorflow as tf

from keras_electra.errors import DataError
from keras_electra.models.electra_classifier import ElectraClassifier
from keras_electra.models.electra_question_answerer import ElectraQuestionAnswerer
from keras_electra.models.electra_text_preprocessor import ElectraTextPreprocessor
from keras_electra.models.electra_question_answerer_preprocessor import (
    ElectraQuestionAnswererPreprocessor,
)
from keras_electra.models.electra_token_classifier import ElectraTokenClassifier
from keras_electra.models.electra_token_classifier_preprocessor import (
    ElectraTokenClassifierPreprocessor,
)
from keras_electra.tasks import conll, metrics, squad, squad_decoding, squad_evaluation
from keras_electra.tasks.entity_spans import is_span_scheme, span_f1
from keras_electra.tasks.glue import GLUE_TASKS
from keras_electra.tasks.sentence_tsv import label_ids, label_vocabulary, read_sentence_tsv
from keras_electra.tasks.skipped import SkippedRows

TASK_NAMES = tuple(GLUE_TASKS) + ("tsv", "tagging", "squad", "squadv1")
DEFAULT_EPOCHS = {"rte": 10, "stsb": 10, "squad": 2, "squadv1": 2}
DEFAULT_SEQUENCE_LENGTH = {"squad": 384, "squadv1": 384}


def _first_existing(data_dir, names, what):
    for name in names:
        path = os.path.join(data_dir, name)
        if tf.io.gfile.exists(path):
            return path
    raise DataError(f"{data_dir} holds no {what} (looked for {', '.join(names)}).")


class TaskData:
    """Base: `name`, `main_metric`, `skipped` (a `SkippedRows`), and the methods below."""

    name = ""
    main_metric = ""
    # The preprocessor a saved model gets so that it takes text, for tasks that
    # train on rows packed in Python (tagging, SQuAD): the same rows in graph.
    text_preprocessor = None

    def __init__(self):
        self.notes = []  # facts about the data a reader of the scores must know

    def build_model(self, encoder):
        raise NotImplementedError

    def train_dataset(self, batch_size, seed):
        raise NotImplementedError

    def num_train_examples(self):
        raise NotImplementedError

    def evaluate(self, model, batch_size=64):
        """{split: {metric: value}}; the main metric of the first split selects epochs."""
        raise NotImplementedError

    def main_score(self, results):
        return next(iter(results.values()))[self.main_metric]

    def serving_settings(self, results):
        """What a served model of this task needs besides its preset (see
        `keras_electra.export.serving_settings`), given the best epoch's `results`."""
        return {}


class ClassificationData(TaskData):
    def __init__(self, name, train, dev_splits, labels, regression, metric_names,
                 main_metric, tokenizer, max_seq_length, skipped):
        super().__init__()
        self.name, self.main_metric, self.skipped = name, main_metric, skipped
        self.labels, self.regression, self.metric_names = labels, regression, metric_names
        self.tokenizer, self.max_seq_length = tokenizer, max_seq_length
        self.pairs = train[0].text_b is not None
        self.train = self._arrays(train, "train")
        self.dev = {split: self._arrays(examples, split) for split, examples in dev_splits.items()}

    def _arrays(self, examples, split):
        texts = [np.array([e.text_a for e in examples], object)]
        if self.pairs:
            texts.append(np.array([e.text_b or "" for e in examples], object))
        if self.regression:
            y = np.array([e.label for e in examples], np.float32)
        else:
            y = np.array(label_ids(examples, self.labels, split), np.int32)
        return texts, y

    def build_model(self, encoder):
        return ElectraClassifier(
            encoder,
            num_classes=len(self.labels) if not self.regression else 1,
            regression=self.regression,
            preprocessor=ElectraTextPreprocessor(self.tokenizer, self.max_seq_length),
        )

    def serving_settings(self, results):
        if self.regression:
            return {"text_pair": self.pairs}
        return {"labels": [str(label) for label in self.labels], "text_pair": self.pairs}

    def _dataset(self, arrays, batch_size, seed=None):
        texts, y = arrays
        x = tuple(texts) if self.pairs else texts[0]
        dataset = tf.data.Dataset.from_tensor_slices((x, y))
        if seed is not None:
            dataset = dataset.shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
        return dataset.batch(batch_size)

    def train_dataset(self, batch_size, seed):
        return self._dataset(self.train, batch_size, seed)

    def num_train_examples(self):
        return len(self.train[1])

    def evaluate(self, model, batch_size=64):
        results = {}
        for split, arrays in self.dev.items():
            texts, y = arrays
            x = tuple(texts) if self.pairs else texts[0]
            # One-element tuples: Keras reads a (text_a, text_b) element as (x, y).
            inputs = tf.data.Dataset.from_tensor_slices((x,)).batch(batch_size)
            outputs = model.predict(inputs, verbose=0)
            predictions = outputs if self.regression else np.argmax(outputs, axis=-1)
            results[split] = metrics.compute_metrics(self.metric_names, y, predictions)
        return results


class TaggingData(TaskData):
    main_metric = "accuracy"

    def __init__(self, train, dev, tokenizer, max_seq_length, skipped, dev_where):
        super().__init__()
        self.name, self.skipped = "tagging", skipped
        self.tags = conll.tag_vocabulary(train)
        count, unseen = conll.unseen_tags(dev, self.tags)
        if count:
            common = sorted(unseen, key=lambda t: -unseen[t])[:5]
            self.notes.append(
                f"{count} word(s) of {dev_where} have tags never seen in training "
                f"(e.g. {', '.join(common)}); they are scored as errors"
            )
        self.span_scheme = is_span_scheme(self.tags)
        if self.span_scheme:
            self.main_metric = "span_f1"
        self.dev_sentences = dev
        self.train = conll.encode_tagged_sentences(train, tokenizer, self.tags, max_seq_length)
        self.dev = conll.encode_tagged_sentences(dev, tokenizer, self.tags, max_seq_length)
        self.text_preprocessor = ElectraTokenClassifierPreprocessor(tokenizer, max_seq_length)

    def build_model(self, encoder):
        return ElectraTokenClassifier(encoder, num_classes=len(self.tags))

    def serving_settings(self, results):
        return {"labels": list(self.tags)}

    def train_dataset(self, batch_size, seed):
        features, labels, weights, _ = self.train
        dataset = tf.data.Dataset.from_tensor_slices((features, labels, weights))
        return dataset.shuffle(len(labels), seed=seed).batch(batch_size)

    def num_train_examples(self):
        return len(self.train[1])

    def evaluate(self, model, batch_size=64):
        features, _, weights, pieces = self.dev
        logits = model.predict(features, batch_size=batch_size, verbose=0)
        predicted = conll.decode_tag_predictions(logits, weights, pieces, self.dev_sentences, self.tags)
        gold = [tags for _, tags in self.dev_sentences]
        flat_gold = [t for s in gold for t in s]
        flat_predicted = [t for s in predicted for t in s]
        result = {"accuracy": metrics.accuracy(flat_gold, flat_predicted)}
        if self.span_scheme:
            spans = span_f1(gold, predicted)
            result.update({"span_f1": spans["f1"], "span_precision": spans["precision"],
                           "span_recall": spans["recall"]})
        return {"dev": result}


class SquadData(TaskData):
    def __init__(self, name, train, dev, tokenizer, max_seq_length, skipped):
        super().__init__()
        self.name, self.skipped = name, skipped
        self.version2 = name == "squad"
        self.main_metric = "f1"
        self.dev_examples = dev
        self.train = squad.make_windows(train, tokenizer, max_seq_length)
        self.dev = squad.make_windows(dev, tokenizer, max_seq_length)
        self.text_preprocessor = ElectraQuestionAnswererPreprocessor(tokenizer, max_seq_length)

    def build_model(self, encoder):
        return ElectraQuestionAnswerer(encoder)

    def serving_settings(self, results):
        if not self.version2:
            return {"allow_null": False}
        # The threshold tuned on dev, as the original recommends for predictions.
        return {"allow_null": True,
                "null_threshold": float(results["dev"].get("best_null_threshold", 0.0))}

    def train_dataset(self, batch_size, seed):
        w = self.train
        labels = {"start_positions": w.start_positions, "end_positions": w.end_positions}
        dataset = tf.data.Dataset.from_tensor_slices((w.features, labels))
        return dataset.shuffle(len(w.start_positions), seed=seed).batch(batch_size)

    def num_train_examples(self):
        return len(self.train.start_positions)

    def evaluate(self, model, batch_size=64):
        outputs = model.predict(self.dev.features, batch_size=batch_size, verbose=0)
        answers, nbest = squad_decoding.decode_answers(
            self.dev, self.dev_examples, outputs["start_logits"], outputs["end_logits"],
            allow_null=self.version2,
        )
        gold = {e.qid: e.answers for e in self.dev_examples}
        result = squad_evaluation.squad_scores(gold, answers)
        if self.version2:
            threshold, best_f1 = squad_decoding.best_null_threshold(self.dev_examples, nbest, gold)
            result.update({"best_f1": best_f1, "best_null_threshold": threshold})
        return {"dev": result}


def load_task(name, data_dir, tokenizer, max_seq_length):
    """The `TaskData` of task `name` read from `data_dir` (see the module docstring)."""
    if name not in TASK_NAMES:
        raise DataError(f"unknown task {name!r}; choose one of {', '.join(TASK_NAMES)}.")
    if not tf.io.gfile.isdir(data_dir):
        raise DataError(f"`data_dir` {data_dir} is not a folder.")
    skipped = SkippedRows()
    if name in GLUE_TASKS:
        task = GLUE_TASKS[name]
        train = task.read(data_dir, "train", skipped)
        dev = {split: task.read(data_dir, split, skipped) for split, _ in task.dev_files}
        labels = label_vocabulary(train, task.labels) if not task.regression else None
        return ClassificationData(name, train, dev, labels, task.regression, task.metrics,
                                  task.main_metric, tokenizer, max_seq_length, skipped)
    if name == "tsv":
        train = read_sentence_tsv(_first_existing(data_dir, ["train.tsv"], "train.tsv"), skipped)
        dev = read_sentence_tsv(_first_existing(data_dir, ["dev.tsv"], "dev.tsv"), skipped)
        if not train or not dev:
            raise DataError(f"{data_dir}: no usable example in train.tsv or dev.tsv.")
        labels = label_vocabulary(train)
        names = ("accuracy", "f1") if len(labels) == 2 else ("accuracy",)
        return ClassificationData("tsv", train, {"dev": dev}, labels, False, names,
                                  "accuracy", tokenizer, max_seq_length, skipped)
    if name == "tagging":
        train_path = _first_existing(data_dir, ["train.conll", "train.txt"], "train.conll")
        dev_path = _first_existing(data_dir, ["dev.conll", "dev.txt", "valid.txt"], "dev.conll")
        return TaggingData(conll.read_conll(train_path, skipped), conll.read_conll(dev_path, skipped),
                           tokenizer, max_seq_length, skipped, dev_path)
    version = "v2.0" if name == "squad" else "v1.1"
    train_path = _first_existing(data_dir, [f"train-{version}.json", "train.json"], "SQuAD training JSON")
    dev_path = _first_existing(data_dir, [f"dev-{version}.json", "dev.json"], "SQuAD dev JSON")
    return SquadData(name, squad.read_squad(train_path, skipped, training=True),
                     squad.read_squad(dev_path, skipped, training=False),
                     tokenizer, max_seq_length, skipped)
