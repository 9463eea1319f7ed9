"""ElectraQuestionAnswererPreprocessor: question + context strings to strided windows, in graph."""

import keras
import keras_hub
import tensorflow as tf
import tensorflow_text as tf_text

from keras_electra.data.tokenizer import ElectraTokenizer
from keras_electra.models.electra_backbone import ElectraBackbone
from keras_electra.models.electra_text_preprocessor import special_token_id

# The words of a context, as `keras_electra.tasks.squad.split_words` finds them
# (runs of letters, digits and combining accents; single other marks), in RE2.
_LETTERS = r"\p{L}\p{N}_\x{0300}-\x{036F}"
WORD_PATTERN = rf"[{_LETTERS}]+|[^{_LETTERS}\s\p{{Z}}]"
NO_WORD = -1
# BERT's and ELECTRA's SQuAD windows.
DEFAULT_SEQUENCE_LENGTH = 384


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraQuestionAnswererPreprocessor(keras_hub.models.Preprocessor):
    """Cuts each context into windows `[CLS] question [SEP] context piece [SEP]`, in graph.

    The same windows as `keras_electra.tasks.squad.make_windows` (the original's
    scheme: questions cut to `max_query_length` sub-tokens, windows starting
    `doc_stride` sub-tokens apart), computed with TensorFlow ops so they run in
    `tf.data` and in a SavedModel. A batch of B questions gives W >= B windows;
    `windows(x)` says which question each window answers, which context word
    each position belongs to (with its byte offsets into the context) and
    whether the window is the position's most centred one, so that spans map
    back to exact substrings of the context.

    Args:
        tokenizer: an `ElectraTokenizer`.
        sequence_length: int, the window length; None lets the task choose
            (384, or the backbone's positions if fewer).
        doc_stride, max_query_length: in sub-tokens (128 and 64, as the original).

    Call with `x` a dict of `question` and `context` strings [batch]; `y`, for
    training, a dict of `answer_start` and `answer_end` character offsets into
    the context (end exclusive; -1 for unanswerable questions). Returns the
    windows' features and, with `y`, their `start_positions` / `end_positions`
    (0, the [CLS], where the answer is not inside the window).

    Example:
    >>> preprocessor = ElectraQuestionAnswererPreprocessor(tokenizer, sequence_length=64)
    >>> x = {"question": tf.constant(["Who built it?"]),
    ...      "context": tf.constant(["Gustave Eiffel's company built it."])}
    >>> features = preprocessor(x)
    >>> preprocessor.windows(x)["example_index"].numpy().tolist()
    [0]
    """

    backbone_cls = ElectraBackbone
    tokenizer_cls = ElectraTokenizer

    def __init__(self, tokenizer, sequence_length=None, doc_stride=128, max_query_length=64,
                 **kwargs):
        super().__init__(**kwargs)
        self.tokenizer = tokenizer
        self.sequence_length = None if sequence_length is None else int(sequence_length)
        self.doc_stride = int(doc_stride)
        self.max_query_length = int(max_query_length)
        self._eager_windows = None

    def build(self, input_shape=None):
        # Deferred: a loaded tokenizer gets its vocabulary (an asset) after construction.
        self.pad_token_id = special_token_id(self.tokenizer, "[PAD]")
        self.unk_token_id = special_token_id(self.tokenizer, "[UNK]")
        self.cls_token_id = special_token_id(self.tokenizer, "[CLS]")
        self.sep_token_id = special_token_id(self.tokenizer, "[SEP]")
        length = self.sequence_length or DEFAULT_SEQUENCE_LENGTH
        if length - self.max_query_length - 3 < 1:
            raise ValueError(
                f"sequence_length {length} leaves no room for the context after a "
                f"question of max_query_length {self.max_query_length} sub-tokens."
            )
        self.built = True

    def windows(self, x, y=None):
        """The windows of `x` as a dict of tensors, one row a window.

        `token_ids`, `segment_ids`, `padding_mask` (the model's inputs, [W, L]);
        `example_index` [W]; `token_word` [W, L], the context word of each
        position (-1 outside the context piece); `word_start_byte`,
        `word_end_byte` [W, L], that word's byte offsets into the context;
        `max_context` [W, L]; with `y`, `start_positions` and `end_positions` [W].
        """
        if not self.built:
            self.build()
        question, context = _question_and_context(x)
        answer = None
        if y is not None:
            answer = (tf.convert_to_tensor(y["answer_start"]), tf.convert_to_tensor(y["answer_end"]))
        if tf.executing_eagerly():
            # keras-hub's tokenizer hands ragged output back as Python lists when
            # run eagerly; in a graph (tf.data, a SavedModel) it stays a tensor.
            if self._eager_windows is None:
                self._eager_windows = tf.function(self._windows, reduce_retracing=True)
            return self._eager_windows(question, context, answer)
        return self._windows(question, context, answer)

    def _windows(self, question, context, answer):
        length = self.sequence_length or DEFAULT_SEQUENCE_LENGTH
        query_words, _, _ = _split_words(question)
        query = self._pieces_by_word(query_words).merge_dims(1, 2)[:, : self.max_query_length]
        words, word_start, word_end = _split_words(context)
        by_word = self._pieces_by_word(words)  # [B, words, pieces]
        pieces = by_word.merge_dims(1, 2)  # [B, P]
        # The context word of each piece, as an index within its example.
        word_of_piece = tf.RaggedTensor.from_row_lengths(
            tf.cast(tf.repeat(tf.ragged.range(words.row_lengths()).flat_values,
                              by_word.values.row_lengths()), "int32"),
            pieces.row_lengths(),
        )
        room = length - tf.cast(query.row_lengths(), "int32") - 3  # [B]
        count = tf.cast(pieces.row_lengths(), "int32")
        stride = tf.minimum(self.doc_stride, room)
        num_windows = 1 + tf.maximum(0, -((room - count) // stride))  # ceil((P - room) / s)
        example_index = tf.repeat(tf.range(tf.shape(count)[0]), num_windows)  # [W]
        window_start = tf.ragged.range(num_windows).flat_values * tf.gather(stride, example_index)
        window_room = tf.gather(room, example_index)
        window_length = tf.minimum(window_room, tf.gather(count, example_index) - window_start)

        # Context pieces of every window, as indices into the example's pieces.
        piece_index = tf.ragged.range(window_start, window_start + window_length)
        flat = tf.gather(pieces.row_starts(), example_index)
        global_index = piece_index + tf.cast(flat, "int32")[:, None]
        context_ids = tf.gather(pieces.flat_values, global_index)
        context_word = tf.gather(word_of_piece.flat_values, global_index)
        word_base = tf.cast(tf.gather(words.row_starts(), example_index), "int32")[:, None]
        start_byte = tf.gather(word_start.flat_values, tf.cast(context_word + word_base, "int64"))
        end_byte = tf.gather(word_end.flat_values, tf.cast(context_word + word_base, "int64"))

        window_query = tf.gather(query, example_index)
        rows = tf.shape(example_index)[0]
        cls = tf.fill([rows, 1], self.cls_token_id)
        sep = tf.fill([rows, 1], self.sep_token_id)
        token_ids = tf.concat([cls, window_query, sep, context_ids, sep], axis=1)
        offset = tf.cast(window_query.row_lengths(), "int32") + 2  # first context position
        head = tf.zeros_like(tf.concat([cls, window_query, sep], axis=1))  # [CLS] question [SEP]
        segment_ids = tf.concat([head, tf.ones_like(tf.concat([context_ids, sep], axis=1))], axis=1)

        def context_only(values, fill):
            """`values` at the context positions, `fill` at the others."""
            return tf.concat([head + fill, values, tf.fill([rows, 1], fill)], axis=1)

        features = {
            "token_ids": _pad(token_ids, self.pad_token_id, length),
            "segment_ids": _pad(segment_ids, 0, length),
            "padding_mask": _pad(tf.ones_like(token_ids), 0, length),
        }
        centred = _max_context(example_index, window_start, window_length, piece_index)
        meta = {
            "example_index": example_index,
            "token_word": _pad(context_only(context_word, NO_WORD), NO_WORD, length),
            "word_start_byte": _pad(context_only(tf.cast(start_byte, "int32"), -1), -1, length),
            "word_end_byte": _pad(context_only(tf.cast(end_byte, "int32"), -1), -1, length),
            "max_context": _pad(context_only(tf.cast(centred, "int32"), 0), 0, length) > 0,
        }
        result = {**features, **meta}
        if answer is not None:
            starts, ends = _answer_positions(
                answer, context, word_start, word_end, word_of_piece, example_index,
                window_start, window_length, offset)
            result.update({"start_positions": starts, "end_positions": ends})
        return result

    def _pieces_by_word(self, words):
        """int32 [batch, words, pieces]; a word that yields no piece becomes [UNK]."""
        by_word = tf.cast(self.tokenizer(words), "int32")
        flat = by_word.values
        empty = tf.cast(flat.row_lengths() == 0, "int32")
        flat = tf.concat([flat, tf.ragged.range(empty) * 0 + self.unk_token_id], axis=1)
        return by_word.with_values(flat)

    def call(self, x, y=None, sample_weight=None):
        windows = self.windows(x, y)
        features = {k: windows[k] for k in ("token_ids", "segment_ids", "padding_mask")}
        if y is None:
            return keras.utils.pack_x_y_sample_weight(features, None, sample_weight)
        labels = {k: windows[k] for k in ("start_positions", "end_positions")}
        if sample_weight is not None:
            sample_weight = tf.gather(sample_weight, windows["example_index"])
        return keras.utils.pack_x_y_sample_weight(features, labels, sample_weight)

    def get_config(self):
        config = super().get_config()
        config.update({
            "sequence_length": self.sequence_length,
            "doc_stride": self.doc_stride,
            "max_query_length": self.max_query_length,
        })
        return config


def _question_and_context(x):
    if isinstance(x, dict) and {"question", "context"} <= set(x):
        question, context = x["question"], x["context"]
    elif isinstance(x, (tuple, list)) and len(x) == 2:
        question, context = x
    else:
        raise ValueError(
            "ElectraQuestionAnswererPreprocessor takes a dict of `question` and `context` "
            f"strings (or a (question, context) pair), got {type(x).__name__}."
        )
    return tf.convert_to_tensor(question, tf.string), tf.convert_to_tensor(context, tf.string)


def _split_words(text):
    """(words, start bytes, end bytes) [batch, None] of each string."""
    return tf_text.regex_split_with_offsets(
        text, delim_regex_pattern=rf"\s+|\p{{Z}}+|{WORD_PATTERN}",
        keep_delim_regex_pattern=WORD_PATTERN,
    )


def _pad(ragged, value, length):
    return ragged.to_tensor(default_value=value, shape=[None, length])


def _max_context(example_index, window_start, window_length, piece_index):
    """Whether each window is its pieces' most centred one (first window on ties).

    The original's score: the distance to the nearer window end, plus 0.01 x the
    window's length. Scores step by 0.01 and windows of one example are few, so
    scaled scores less the window's rank break ties towards the first window.
    """
    end = window_start + window_length - 1
    position = piece_index
    score = tf.minimum(position - window_start[:, None], end[:, None] - position)
    score = tf.cast(score, "float64") + 0.01 * tf.cast(window_length, "float64")[:, None]
    rank = tf.cast(tf.range(tf.shape(example_index)[0]), "float64")
    key = tf.round(score * 100.0) * 1e4 - rank[:, None]
    # One segment per (example, piece): pieces of one example are indexed from 0.
    segment = tf.cast(example_index, "int64")[:, None] * (2**31) + tf.cast(position, "int64")
    flat_segment = segment.flat_values
    unique, ids = tf.unique(flat_segment)
    best = tf.math.unsorted_segment_max(key.flat_values, ids, tf.shape(unique)[0])
    return key.with_flat_values(tf.cast(key.flat_values == tf.gather(best, ids), "int32"))


def _answer_positions(answer, context, word_start, word_end, word_of_piece, example_index,
                      window_start, window_length, offset):
    """Each window's (start, end) position of the answer, (0, 0) where it is not inside."""
    start_char, end_char = (tf.cast(a, "int32") for a in answer)
    answerable = start_char >= 0
    # Characters to bytes: the byte length of the context's first n characters.
    char_bytes = tf.strings.length(tf.strings.unicode_split(context, "UTF-8")).to_tensor()
    cumulative = tf.pad(tf.cumsum(char_bytes, axis=1), [[0, 0], [1, 0]])
    start_byte = tf.cast(tf.gather(cumulative, tf.maximum(start_char, 0), batch_dims=1), "int32")
    end_byte = tf.cast(tf.gather(cumulative, tf.maximum(end_char, 0), batch_dims=1), "int32")
    starts = tf.cast(word_start.to_tensor(default_value=2**30), "int32")  # pads come last
    ends = tf.cast(word_end.to_tensor(default_value=0), "int32")
    # First word: the last one starting at or before the answer, or the next if
    # that one ends before it; last word: the last one starting before its end.
    first = tf.reduce_sum(tf.cast(starts <= start_byte[:, None], "int32"), axis=1) - 1
    first_end = tf.gather(ends, tf.maximum(first, 0), batch_dims=1)
    first = tf.where((first < 0) | (first_end <= start_byte), first + 1, first)
    last = tf.reduce_sum(tf.cast(starts < end_byte[:, None], "int32"), axis=1) - 1
    found = answerable & (first < tf.cast(word_start.row_lengths(), "int32")) & (last >= first)
    # Word indices to piece indices: the first piece of `first`, the last of `last`.
    piece_word = word_of_piece.to_tensor(default_value=-2)
    first_piece = tf.cast(tf.argmax(tf.cast(piece_word == first[:, None], "int32"), axis=1), "int32")
    last_piece = tf.reduce_sum(
        tf.cast((piece_word >= 0) & (piece_word <= last[:, None]), "int32"), axis=1) - 1
    w_first, w_last = tf.gather(first_piece, example_index), tf.gather(last_piece, example_index)
    inside = (tf.gather(found, example_index) & (window_start <= w_first)
              & (w_last < window_start + window_length))
    return (tf.where(inside, w_first - window_start + offset, 0),
            tf.where(inside, w_last - window_start + offset, 0))
