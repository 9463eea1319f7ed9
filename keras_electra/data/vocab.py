"""WordPiece vocabularies: learning one from raw text, reading one, finding its special tokens.

Learning uses tensorflow-text's WordPiece learner on words split exactly as keras-hub's
`WordPieceTokenizer` splits them, so the vocabulary and the tokenizer always agree. The
special tokens come first, at ids 0..4: [PAD] [UNK] [CLS] [SEP] [MASK].

Next to `vocab.txt` a small `vocab.txt.json` records how the text was normalized
(lower-casing, accent stripping), so `prepare` and the tokenizer need no extra flags.

Example:
>>> vocab = learn_vocabulary(["corpus.txt"], vocab_size=8000)  # doctest: +SKIP
>>> write_vocabulary(vocab, "vocab.txt")                       # doctest: +SKIP
>>> special_token_ids("vocab.txt")                             # doctest: +SKIP
{'pad_token_id': 0, 'unk_token_id': 1, 'cls_token_id': 2, 'sep_token_id': 3, 'mask_token_id': 4}
"""

import functools
import hashlib
import json
import os
import sys
import time
import uuid

import tensorflow as tf

# The learner is the one `bert_vocab_from_dataset` and keras-hub's
# `compute_word_piece_vocabulary` both call; we call it directly because both wrappers
# either split text differently from keras-hub's tokenizer (tf-text's BasicTokenizer ties
# accent stripping to lower-casing) or read whole files into memory and cut the result
# where it may drop "##" continuation characters (keras-hub).
from tensorflow_text.tools.wordpiece_vocab import wordpiece_tokenizer_learner_lib as learner

from keras_electra.data import text_files
from keras_electra.errors import DataError, UsageError
from keras_electra.json_file import read_json_object

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
SPECIAL_TOKEN_FIELDS = {
    "[PAD]": "pad_token_id",
    "[UNK]": "unk_token_id",
    "[CLS]": "cls_token_id",
    "[SEP]": "sep_token_id",
    "[MASK]": "mask_token_id",
}
SUFFIX_INDICATOR = "##"
# The learner's defaults for these two; we need them to compute the alphabet it will keep.
_MAX_TOKEN_LENGTH = 50
_MAX_UNIQUE_CHARS = 1000
_LINES_PER_BATCH = 2048


@functools.lru_cache(maxsize=None)  # One traced function per setting, not per call.
def _pretokenizer(lowercase, strip_accents):
    # keras-hub's own splitting function (not public API): the very code its
    # WordPieceTokenizer runs before WordPiece, so the learned pieces match what it sees.
    from keras_hub.src.tokenizers.word_piece_tokenizer import pretokenize

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def split(lines):
        return pretokenize(lines, lowercase, strip_accents, True, True)

    return split


def _word_batches(files, lowercase, strip_accents, problems):
    split = _pretokenizer(lowercase, strip_accents)
    batch = []
    for path in files:
        if text_files.file_size(path) == 0:
            problems.add("empty_file", 1, path)
            continue
        for line in text_files.read_lines(path, 0, None, problems):
            if line is None:
                continue
            batch.append(line)
            if len(batch) >= _LINES_PER_BATCH:
                yield split(tf.constant(batch)).flat_values.numpy()
                batch = []
    if batch:
        yield split(tf.constant(batch)).flat_values.numpy()


def learn_vocabulary(
    inputs,
    vocab_size,
    *,
    lowercase=True,
    strip_accents=True,
    allow_bad_input=False,
    progress=False,
):
    """Learns a WordPiece vocabulary of at most `vocab_size` tokens from raw text files.

    Args:
        inputs: list of files, directories or globs (local or any tf.io.gfile URL).
        vocab_size: int, the largest vocabulary wanted (the learner may return a little less).
        lowercase, strip_accents: BERT's "uncased" normalization when both True.
        allow_bad_input: go on past non-UTF-8 bytes, over-long lines and empty files
            instead of raising DataError.
        progress: report the two stages (counting words, learning) on stderr; learning
            takes minutes on large corpora.

    Returns:
        list of str: SPECIAL_TOKENS, then the alphabet, then the learned pieces.

    Example:
    >>> vocab = learn_vocabulary(["news.txt"], 4000)  # doctest: +SKIP
    >>> vocab[:5]                                     # doctest: +SKIP
    ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
    """
    files = text_files.expand_inputs(inputs)
    if not isinstance(vocab_size, int) or vocab_size <= len(SPECIAL_TOKENS):
        raise UsageError(
            f"`vocab_size` must be an integer above {len(SPECIAL_TOKENS)}, got {vocab_size!r}."
        )
    problems = text_files.TextProblems()
    batches = _word_batches(files, lowercase, strip_accents, problems)
    start = time.time()
    counts = learner.count_words(_nonempty(batches, files))
    text_files.check_problems(problems, allow_bad_input)
    if progress:
        megabytes = sum(text_files.file_size(path) for path in files) / 1e6
        print(
            f"Counted {len(counts)} distinct words in {megabytes:.1f} MB "
            f"({time.time() - start:.0f} s); learning {vocab_size} pieces...",
            file=sys.stderr,
            flush=True,
        )
        for kind in sorted(problems.counts):
            print(f"keras-electra: warning: {problems.describe(kind)}.", file=sys.stderr)

    words = learner.get_input_words(counts.items(), SPECIAL_TOKENS, _MAX_TOKEN_LENGTH)
    alphabet = learner.get_allowed_chars(words, _MAX_UNIQUE_CHARS)
    # Every character must exist as a word start and as a "##" continuation, or some
    # words could only become [UNK].
    smallest = len(SPECIAL_TOKENS) + 2 * len(alphabet)
    if vocab_size < smallest:
        raise DataError(
            f"`vocab_size` {vocab_size} is too small: the {len(SPECIAL_TOKENS)} special "
            f"tokens plus the corpus alphabet ({len(alphabet)} characters, each as a word "
            f"start and as a '##' continuation) need {smallest}; use at least {smallest}."
        )
    # The learner binary-searches a frequency threshold between the largest word count
    # and 10, one full pass over the words per step. A threshold that yields `vocab_size`
    # pieces lies below twice the count of the `vocab_size`-th commonest word (pieces are
    # at least as frequent as the words holding them), so starting there saves most of
    # the passes (100 s -> 12 s on 13 MB of news); an overshoot is trimmed below.
    ranked = sorted(counts.values(), reverse=True)
    upper = max(11, 2 * ranked[min(vocab_size, len(ranked)) - 1])
    vocab = learner.learn(
        counts,
        vocab_size,
        list(SPECIAL_TOKENS),
        upper_thresh=upper,
        max_token_length=_MAX_TOKEN_LENGTH,
        max_unique_chars=_MAX_UNIQUE_CHARS,
        joiner=SUFFIX_INDICATOR,
    )
    return _fit_to_size(vocab, vocab_size, alphabet)


def _nonempty(batches, files):
    # tf-text's count_words fails with StopIteration on no words at all; say it plainly.
    empty = True
    for batch in batches:
        if len(batch):
            empty = False
            yield batch
    if empty:
        raise DataError(f"no text found in {', '.join(files)}: every file is empty.")


def _fit_to_size(vocab, vocab_size, alphabet):
    # The learner stops its threshold search at a frequency floor and can overshoot the
    # target; drop the rarest learned pieces then, never a special token or a character.
    if len(vocab) <= vocab_size:
        return vocab
    required = set(SPECIAL_TOKENS) | set(alphabet) | {SUFFIX_INDICATOR + c for c in alphabet}
    budget = vocab_size - len([t for t in vocab if t in required])
    kept = []
    for token in vocab:
        if token in required:
            kept.append(token)
        elif budget > 0:
            kept.append(token)
            budget -= 1
    return kept


def settings_path(vocab_path):
    """Where the normalization settings of `vocab_path` are kept."""
    return vocab_path + ".json"


def write_vocabulary(vocab, path, *, lowercase=True, strip_accents=True, overwrite=False):
    """Writes `vocab` one token a line, and its normalization settings beside it.

    Refuses (UsageError) to replace a different existing file unless `overwrite`: data
    prepared with the old vocabulary would silently stop matching it.
    """
    ids = special_token_ids(vocab)  # Refuse to write what we would refuse to read.
    text = "".join(token + "\n" for token in vocab)
    if tf.io.gfile.exists(path) and not overwrite:
        with tf.io.gfile.GFile(path, "r") as f:
            if f.read() != text:
                raise UsageError(
                    f"{path} already exists and holds another vocabulary; pass "
                    "`overwrite` or choose another `path`."
                )
    settings = {
        "lowercase": bool(lowercase),
        "strip_accents": bool(strip_accents),
        "vocab_size": len(vocab),
        "special_token_ids": ids,
    }
    _write_atomically(path, text)
    _write_atomically(settings_path(path), json.dumps(settings, indent=2) + "\n")


def _write_atomically(path, text):
    # Write beside the target, then rename: a crash never leaves half a vocabulary.
    temporary = f"{path}.tmp-{uuid.uuid4().hex}"
    folder = os.path.dirname(path)
    if folder:
        tf.io.gfile.makedirs(folder)
    with tf.io.gfile.GFile(temporary, "w") as f:
        f.write(text)
    tf.io.gfile.rename(temporary, path, overwrite=True)


def read_vocabulary(path):
    """The tokens of a vocabulary file, one a line (trailing whitespace dropped)."""
    if not tf.io.gfile.exists(path):
        raise UsageError(f"vocabulary file {path} does not exist.")
    with tf.io.gfile.GFile(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError(f"vocabulary file {path} is not UTF-8 ({e.reason} at byte {e.start}).")
    tokens = [line.rstrip() for line in text.splitlines()]
    if not tokens:
        raise DataError(f"vocabulary file {path} is empty.")
    first = {}
    for number, token in enumerate(tokens, start=1):
        if token in first:  # Two ids for one piece: WordPiece cannot tell which to give.
            raise DataError(
                f"vocabulary file {path} has {token!r} twice (lines {first[token]} and "
                f"{number}); every line must be a different piece: remove one of them."
            )
        first[token] = number
    return tokens


def special_token_ids(vocab_or_path):
    """{"pad_token_id", "unk_token_id", "cls_token_id", "sep_token_id", "mask_token_id"}.

    Raises:
        DataError: naming every special token the vocabulary lacks.
    """
    path = vocab_or_path if isinstance(vocab_or_path, str) else None
    vocab = read_vocabulary(path) if path else list(vocab_or_path)
    index = {}
    for i, token in enumerate(vocab):
        index.setdefault(token, i)
    missing = [t for t in SPECIAL_TOKENS if t not in index]
    if missing:
        where = f"vocabulary file {path}" if path else "the vocabulary"
        raise DataError(
            f"{where} lacks the special token(s) {' '.join(missing)}; ELECTRA needs "
            f"all of {' '.join(SPECIAL_TOKENS)}."
        )
    return {SPECIAL_TOKEN_FIELDS[t]: index[t] for t in SPECIAL_TOKENS}


def vocabulary_settings(path):
    """{"lowercase": bool, "strip_accents": bool} for the vocabulary file at `path`.

    From the `.json` written beside it by `write_vocabulary`; for other vocabularies
    (such as Google's BERT/ELECTRA vocab.txt) BERT's own convention is assumed: a
    vocabulary without upper-case letters is "uncased" (lower-case and strip accents),
    one with them is "cased" (neither).
    """
    sidecar = settings_path(path)
    if tf.io.gfile.exists(sidecar):
        settings = read_json_object(
            sidecar, "write the vocabulary again (keras-electra vocab --overwrite)")
        return {
            "lowercase": bool(settings["lowercase"]),
            "strip_accents": bool(settings["strip_accents"]),
        }
    cased = is_cased(read_vocabulary(path))
    return {"lowercase": not cased, "strip_accents": not cased}


def is_cased(vocab):
    """BERT's convention: a vocabulary with upper-case pieces was learned cased."""
    return any(token not in SPECIAL_TOKENS and token != token.lower() for token in vocab)


def vocabulary_hash(path):
    """sha256 of the vocabulary file's bytes: names the vocabulary in data manifests."""
    digest = hashlib.sha256()
    with tf.io.gfile.GFile(path, "rb") as f:
        digest.update(f.read())
    return digest.hexdigest()


def config_overrides(path):
    """The ElectraConfig fields a vocabulary decides: vocab_size and the special ids.

    Example:
    >>> ElectraConfig.preset("small", **config_overrides("vocab.txt"))  # doctest: +SKIP
    """
    ids = special_token_ids(path)
    ids.pop("unk_token_id")  # ElectraConfig has no field for it; the tokenizer uses it.
    return {"vocab_size": len(read_vocabulary(path)), **ids}
