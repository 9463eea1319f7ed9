"""`prepare`: raw text files -> sharded TFRecords of pre-training examples + manifest.json.

Each input file is cut at document starts into pieces of about `chunk_bytes` (the cut
points depend on the bytes only). Every piece is tokenized and packed on its own, with a
random generator seeded by (seed, file, offset), and its i-th example goes to shard
(piece + i) % num_shards. Pieces run in parallel processes and their part files are
concatenated per shard in piece order (TFRecord files concatenate), so the output is the
same byte for byte whatever the number of workers.

Everything is written in a staging folder beside `output` and renamed into place when
complete (`output_folder.staged_folder`): a failed run leaves nothing behind, existing
data is never touched, a killed run's staging folder is removed by the next run, and a
second run into the same folder is refused while the first one lives.

Example:
>>> manifest = write_pretraining_examples(                      # doctest: +SKIP
...     ["corpus/*.txt"], "vocab.txt", "data/", max_seq_length=128, workers=2)
>>> manifest["example_count"]                                   # doctest: +SKIP
25012
"""

import dataclasses
import math
import multiprocessing
import os
import queue
import random
import time

import tensorflow as tf

from keras_electra.config import ElectraConfig
from keras_electra.data import manifest as manifest_lib
from keras_electra.data import text_files
from keras_electra.data import vocab as vocab_lib
from keras_electra.data.example_packing import MIN_TARGET_LENGTH, ExamplePacker
from keras_electra.data.tokenizer import electra_tokenizer
from keras_electra.errors import DataError, UsageError
from keras_electra.output_folder import staged_folder

# Staging inside the output folder, as earlier versions did; a killed one is removed.
_LEGACY_INCOMPLETE_PREFIX = ".incomplete-"
# The most positions of any preset: longer examples would build no model that trains.
MAX_SEQ_LENGTH = max(ElectraConfig.preset(name).max_position_embeddings
                     for name in ElectraConfig.preset_names())
_LINES_PER_BATCH = 2048
_COPY_BYTES = 16 << 20


@dataclasses.dataclass
class _Piece:
    """A byte range of one input file, starting at a document start."""

    index: int
    file_index: int
    path: str
    start: int
    end: int


@dataclasses.dataclass
class _PieceResult:
    index: int
    file_index: int
    bytes: int
    documents: int = 0
    short_documents: int = 0
    examples: int = 0
    single_segment_examples: int = 0
    tokens: int = 0
    truncated_tokens: int = 0
    shard_examples: dict = dataclasses.field(default_factory=dict)
    problems: text_files.TextProblems = dataclasses.field(
        default_factory=text_files.TextProblems
    )


def shard_name(shard, num_shards):
    return f"data-{shard:05d}-of-{num_shards:05d}.tfrecord"


def default_num_shards(total_bytes):
    # At least 8 so input can be split across hosts and interleaved; about one shard per
    # 256 MiB of text for big corpora.
    return max(8, math.ceil(total_bytes / (256 << 20)))


def _chunk_bytes(total_bytes):
    # Small pieces balance the workers; a bounded count (about 64) keeps the number of
    # part files sane on large corpora. Depends on the data only, never on `workers`.
    return min(256 << 20, max(1 << 20, total_bytes // 64))


def write_pretraining_examples(
    inputs,
    vocab_path,
    output_dir,
    *,
    max_seq_length=128,
    num_shards=None,
    workers=1,
    seed=0,
    allow_bad_input=False,
    split_sentences=False,
    progress=True,
    overwrite=False,
):
    """Prepares ELECTRA pre-training examples from raw text files.

    Args:
        inputs: files, directories or globs (local or any tf.io.gfile URL). One sentence
            or paragraph a line, a blank line between documents.
        vocab_path: the WordPiece vocabulary (normalization read from its .json, if any).
        output_dir: folder to create or fill; refused if it holds other files or a
            different dataset, unless `overwrite`.
        max_seq_length: length of every example ([CLS] and [SEP]s included).
        num_shards: TFRecord files to write; default `default_num_shards`.
        workers: processes to use; the output does not depend on it.
        seed: seed of the packing's random choices.
        allow_bad_input: go on past non-UTF-8 bytes, over-long lines and empty files
            (replaced, cut, skipped; counted in the manifest) instead of raising DataError.
        split_sentences: split each line into sentences at sentence-final punctuation
            before packing (for text with a paragraph or an article a line; see
            `text_files.split_sentences`). Off by default, as in the original.
        progress: show a progress bar on stderr.
        overwrite: replace an `output_dir` that holds other files or a different
            dataset (whole, once the new one is complete). One that holds this very
            dataset is kept as it is.

    The vocabulary (and its .json settings, if any) is copied into `output_dir`, so
    that the folder alone is enough to pre-train on.

    Returns:
        The manifest dict (also written to `output_dir/manifest.json`); its "status" key
        is "written", or "existing" when `output_dir` already held this very dataset.
    """
    if not isinstance(max_seq_length, int) or max_seq_length < MIN_TARGET_LENGTH:
        raise UsageError(
            f"`max_seq_length` must be an integer >= {MIN_TARGET_LENGTH}, got {max_seq_length!r}."
        )
    if max_seq_length > MAX_SEQ_LENGTH:
        raise UsageError(
            f"`max_seq_length` {max_seq_length} is longer than any preset's "
            f"{MAX_SEQ_LENGTH} positions (ELECTRA's and BERT's largest); examples that long "
            "cannot be pre-trained on. Use 128 (the paper's small model) to 512."
        )
    if not isinstance(workers, int) or workers < 1:
        raise UsageError(f"`workers` must be a positive integer, got {workers!r}.")
    files = text_files.expand_inputs(inputs)
    sizes = [text_files.file_size(path) for path in files]
    if num_shards is None:
        num_shards = default_num_shards(sum(sizes))
    if not isinstance(num_shards, int) or num_shards < 1:
        raise UsageError(f"`num_shards` must be a positive integer, got {num_shards!r}.")

    ids = vocab_lib.special_token_ids(vocab_path)
    settings = vocab_lib.vocabulary_settings(vocab_path)
    manifest = {
        "format": manifest_lib.FORMAT,
        "version": manifest_lib.VERSION,
        "vocab_sha256": vocab_lib.vocabulary_hash(vocab_path),
        "vocab_size": len(vocab_lib.read_vocabulary(vocab_path)),
        "special_token_ids": ids,
        "max_seq_length": max_seq_length,
        **settings,
        "seed": seed,
        "num_shards": num_shards,
        "split_sentences": bool(split_sentences),
        "sources": [
            {"path": _absolute(path), "bytes": size} for path, size in zip(files, sizes)
        ],
    }
    problems = text_files.TextProblems()
    for path, size in zip(files, sizes):
        if size == 0:
            problems.add("empty_file", 1, path)
    text_files.check_problems(problems, allow_bad_input)

    existing = _check_output_dir(output_dir, manifest, overwrite)
    if existing is not None:
        existing["status"] = "existing"
        return existing

    chunk_bytes = _chunk_bytes(sum(sizes))
    pieces = []
    for file_index, (path, size) in enumerate(zip(files, sizes)):
        if size == 0:
            continue
        points = text_files.document_boundaries(path, chunk_bytes)
        for start, end in zip(points[:-1], points[1:]):
            pieces.append(_Piece(len(pieces), file_index, path, start, end))

    # The text files, the folders and globs naming them, and the vocabulary: what
    # replacing `output_dir` may not delete.
    reads = [("inputs", path) for path in [*inputs, *files]] + [("vocab_path", vocab_path)]
    with staged_folder(output_dir, overwrite, argument="output_dir", reads=reads) as work_dir:
        job = dict(
            vocab_path=vocab_path,
            settings=settings,
            ids=ids,
            max_seq_length=max_seq_length,
            num_shards=num_shards,
            seed=seed,
            work_dir=work_dir,
            split_sentences=bool(split_sentences),
        )
        results = _run_pieces(pieces, job, workers, allow_bad_input, sum(sizes), progress)
        stats = _summarize(results, files, sizes, problems, allow_bad_input)
        shards = _merge_parts(work_dir, results, num_shards)
        manifest.update(
            example_count=stats.pop("examples"),
            shards=shards,
            stats=stats,
            problems=problems.to_json(),
            features={name: f"int64[{max_seq_length}]" for name in manifest_lib.FEATURES},
        )
        _copy_vocabulary(vocab_path, work_dir)
        manifest_lib.write_manifest(work_dir, manifest)
    manifest["status"] = "written"
    return manifest


def _copy_vocabulary(vocab_path, work_dir):
    """Copies vocab.txt (+ its .json) into the dataset: `pretrain` reads it from there."""
    names = [manifest_lib.VOCAB_NAME]
    tf.io.gfile.copy(vocab_path, os.path.join(work_dir, manifest_lib.VOCAB_NAME))
    settings = vocab_lib.settings_path(vocab_path)
    if tf.io.gfile.exists(settings):
        names.append(vocab_lib.settings_path(manifest_lib.VOCAB_NAME))
        tf.io.gfile.copy(settings, os.path.join(work_dir, names[-1]))
    return names


def _absolute(path):
    return path if "://" in path else os.path.abspath(path)


def _check_output_dir(output_dir, manifest, overwrite):
    """Returns the existing manifest if `output_dir` already holds this very dataset."""
    if not tf.io.gfile.exists(output_dir):
        return None
    if not tf.io.gfile.isdir(output_dir):
        raise UsageError(f"`output_dir` {output_dir} is a file, not a folder.")
    existing = manifest_lib.read_manifest(output_dir)
    if existing is not None:
        differences = manifest_lib.identity_differences(existing, manifest)
        if not differences:
            return existing
        if overwrite:
            return None
        raise DataError(
            f"{output_dir} already holds a different dataset (it differs in: "
            f"{', '.join(differences)}); choose another `output_dir`, or pass `overwrite` "
            "to replace it."
        )
    names = [name.rstrip("/") for name in tf.io.gfile.listdir(output_dir)]
    for name in names:  # A killed older run's staging: never resumed.
        if name.startswith(_LEGACY_INCOMPLETE_PREFIX):
            tf.io.gfile.rmtree(os.path.join(output_dir, name))
    foreign = sorted(n for n in names if not n.startswith(_LEGACY_INCOMPLETE_PREFIX))
    if foreign and not overwrite:
        raise DataError(
            f"{output_dir} is not empty and holds no {manifest_lib.MANIFEST_NAME} "
            f"(it has {', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}); "
            "choose an empty or new `output_dir`, or pass `overwrite` to replace it."
        )
    return None


def _run_pieces(pieces, job, workers, allow_bad_input, total_bytes, progress):
    bar = _Progress(total_bytes) if progress else None
    results = []

    def collect(result):
        # Stop at the first piece with bad input (unless allowed): failing early beats
        # failing after hours, and the message counts what that piece held.
        text_files.check_problems(result.problems, allow_bad_input)
        results.append(result)
        if bar:
            bar.update(result)

    workers = min(workers, len(pieces))
    try:
        if workers <= 1:
            for piece in pieces:
                collect(_prepare_piece(piece, job))
        else:
            _run_in_processes(pieces, job, workers, collect)
    finally:
        if bar:
            bar.finish()
    return sorted(results, key=lambda r: r.index)


def _run_in_processes(pieces, job, workers, collect):
    """Runs `pieces` on `workers - 1` new processes and this one, calling `collect` on each.

    Every process takes the next piece from a shared counter. This process works too, so
    the seconds the others spend starting (importing TensorFlow) are not lost; that is
    why this is not a plain `multiprocessing.Pool`.
    """
    # "spawn": TensorFlow's threads do not survive a fork.
    context = multiprocessing.get_context("spawn")
    next_piece = context.Value("i", 0)
    outbox = context.Queue()
    processes = [
        context.Process(target=_worker, args=(pieces, job, next_piece, outbox), daemon=True)
        for _ in range(workers - 1)
    ]
    for process in processes:
        process.start()
    try:
        done = 0
        while done < len(pieces):
            while True:  # Collect what the others finished.
                try:
                    message = outbox.get_nowait()
                except queue.Empty:
                    break
                done += 1
                collect(_unwrap(message))
            index = _take(next_piece, len(pieces))
            if index is not None:
                collect(_prepare_piece(pieces[index], job))
                done += 1
            elif done < len(pieces):
                try:
                    message = outbox.get(timeout=5)
                except queue.Empty:
                    if not any(p.is_alive() for p in processes):
                        raise RuntimeError("a prepare worker process died without a result.")
                    continue
                done += 1
                collect(_unwrap(message))
    finally:
        with next_piece.get_lock():
            next_piece.value = len(pieces)  # Nobody starts another piece.
        for process in processes:
            process.join(timeout=1)
            if process.is_alive():
                process.terminate()


def _take(counter, limit):
    with counter.get_lock():
        if counter.value >= limit:
            return None
        counter.value += 1
        return counter.value - 1


def _unwrap(message):
    kind, value = message
    if kind == "error":
        raise value
    return value


def _worker(pieces, job, next_piece, outbox):
    # One op thread a process: the parallelism comes from the processes.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    while (index := _take(next_piece, len(pieces))) is not None:
        try:
            outbox.put(("result", _prepare_piece(pieces[index], job)))
        except Exception as e:  # Re-raised in the parent, which owns the error report.
            outbox.put(("error", e))
            return


_tokenizers = {}  # One traced tokenizer a process.


def _tokenize_function(job):
    key = (job["vocab_path"], tuple(sorted(job["settings"].items())))
    if key not in _tokenizers:
        tokenizer = electra_tokenizer(job["vocab_path"], **job["settings"])

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def tokenize(lines):
            ragged = tokenizer(lines)
            return ragged.flat_values, ragged.row_splits

        _tokenizers[key] = tokenize
    return _tokenizers[key]


def _prepare_piece(piece, job):
    """Tokenizes, packs and writes one piece; returns its counts."""
    tokenize = _tokenize_function(job)
    result = _PieceResult(piece.index, piece.file_index, piece.end - piece.start)
    packer = ExamplePacker(
        job["max_seq_length"],
        job["ids"]["cls_token_id"],
        job["ids"]["sep_token_id"],
        random.Random(f"{job['seed']}/{piece.file_index}/{piece.start}"),
    )
    writers = {}
    document_tokens = 0

    def write(example):
        shard = (piece.index + result.examples) % job["num_shards"]
        if shard not in writers:
            writers[shard] = tf.io.TFRecordWriter(_part_path(job["work_dir"], piece.index, shard))
        writers[shard].write(_serialize(example, job["max_seq_length"], job["ids"]))
        result.shard_examples[shard] = result.shard_examples.get(shard, 0) + 1
        result.examples += 1
        result.single_segment_examples += example.single_segment

    def flush(batch):
        nonlocal document_tokens
        lines = [line for line in batch if line is not None]
        values, splits = [], [0]
        if lines:
            values, splits = (t.numpy().tolist() for t in tokenize(tf.constant(lines)))
        row = 0
        for line in batch:
            if line is None:
                result.documents += 1
                result.short_documents += document_tokens < MIN_TARGET_LENGTH
                document_tokens = 0
                example = packer.end_document()
            else:
                sentence = values[splits[row] : splits[row + 1]]
                row += 1
                document_tokens += len(sentence)
                result.tokens += len(sentence)
                example = packer.add(sentence)
            if example is not None:
                write(example)

    batch = []
    for line in text_files.read_lines(piece.path, piece.start, piece.end, result.problems):
        if line is not None and job["split_sentences"]:
            batch.extend(text_files.split_sentences(line))
        else:
            batch.append(line)
        if len(batch) >= _LINES_PER_BATCH:
            flush(batch)
            batch = []
    flush(batch)
    for writer in writers.values():
        writer.close()
    result.truncated_tokens = packer.truncated_tokens
    return result


def _part_path(work_dir, piece_index, shard):
    return os.path.join(work_dir, f"part-{piece_index:06d}-{shard:05d}.tfrecord")


def _serialize(example, max_seq_length, ids):
    padding = max_seq_length - len(example.token_ids)
    features = {
        "token_ids": example.token_ids + [ids["pad_token_id"]] * padding,
        "segment_ids": example.segment_ids + [0] * padding,
        "padding_mask": [1] * len(example.token_ids) + [0] * padding,
    }
    return tf.train.Example(
        features=tf.train.Features(
            feature={
                name: tf.train.Feature(int64_list=tf.train.Int64List(value=values))
                for name, values in features.items()
            }
        )
    ).SerializeToString(deterministic=True)  # Map order would vary by process.


def _summarize(results, files, sizes, problems, allow_bad_input):
    documents_per_file = [0] * len(files)
    for result in results:
        problems.merge(result.problems)
        documents_per_file[result.file_index] += result.documents
    for path, size, documents in zip(files, sizes, documents_per_file):
        if size and not documents:
            problems.add("empty_file", 1, path)  # Blank lines only.
    text_files.check_problems(problems, allow_bad_input)
    fields = ("documents", "short_documents", "examples", "single_segment_examples",
              "tokens", "truncated_tokens")
    stats = {name: sum(getattr(r, name) for r in results) for name in fields}
    if stats["examples"] == 0:
        raise DataError(f"no text found in {', '.join(files)}: nothing to prepare.")
    return stats


def _merge_parts(work_dir, results, num_shards):
    """Concatenates the part files of each shard in piece order; returns the shard list."""
    shards = []
    for shard in range(num_shards):
        name = shard_name(shard, num_shards)
        count = 0
        with tf.io.gfile.GFile(os.path.join(work_dir, name), "wb") as out:
            for result in results:
                if shard not in result.shard_examples:
                    continue
                part = _part_path(work_dir, result.index, shard)
                with tf.io.gfile.GFile(part, "rb") as f:
                    while block := f.read(_COPY_BYTES):
                        out.write(block)
                tf.io.gfile.remove(part)
                count += result.shard_examples[shard]
        if not count:
            tf.io.TFRecordWriter(os.path.join(work_dir, name)).close()  # A valid empty shard.
        # Its size lets `pretrain` tell a truncated shard before training starts.
        size = tf.io.gfile.stat(os.path.join(work_dir, name)).length
        shards.append({"file": name, "examples": count, "bytes": size})
    return shards


class _Progress:
    """A progress bar on stderr: megabytes read, documents, examples and MB/s.

    `rich` (a dependency of Keras) draws it; Keras's Progbar prints counts as floats.
    """

    def __init__(self, total_bytes):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("prepare"),
            BarColumn(),
            TextColumn("{task.completed:.1f}/{task.total:.1f} MB"),
            TextColumn("{task.fields[documents]:,} documents"),
            TextColumn("{task.fields[examples]:,} examples"),
            TextColumn("{task.fields[rate]:.2f} MB/s"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.task = self.progress.add_task(
            "prepare", total=total_bytes / 1e6, documents=0, examples=0, rate=0.0
        )
        self.start = time.time()
        self.bytes = self.documents = self.examples = 0
        self.progress.start()

    def update(self, result):
        self.bytes += result.bytes
        self.documents += result.documents
        self.examples += result.examples
        seconds = max(time.time() - self.start, 1e-6)
        self.progress.update(
            self.task,
            completed=self.bytes / 1e6,
            documents=self.documents,
            examples=self.examples,
            rate=self.bytes / 1e6 / seconds,
        )

    def finish(self):
        self.progress.stop()
