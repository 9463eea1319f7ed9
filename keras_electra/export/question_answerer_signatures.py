"""The serving signatures of an `ElectraQuestionAnswerer`: questions and contexts to answers."""

import tensorflow as tf

from keras_electra.export.endpoint import Endpoint, ids_endpoint, strings


def question_answerer_endpoints(qa, allow_null=False, null_threshold=0.0, n_best=20,
                                max_answer_length=30):
    """`serving_default` (question and context strings) and `serve_ids` of `qa`.

    `serving_default` takes `question` and `context` string [batch]; contexts
    longer than a window are read in the preprocessor's strided windows, as in
    fine-tuning, and spans are chosen over all of a question's windows as
    `qa.predict_answers` does (`keras_electra.tasks.squad_decoding`), in the
    graph. Outputs: `answer` string [batch] (a substring of the context, "" for
    none), `start_char` / `end_char` int32 [batch] (character offsets into the
    context, end exclusive; -1 for none) and `score` float32 [batch] (start +
    end logit of the answer, or the null score for ""). `serve_ids` gives the
    windows' `start_logits` and `end_logits` [batch, seq_len].

    Args:
        qa: an `ElectraQuestionAnswerer` with its `ElectraQuestionAnswererPreprocessor`.
        allow_null: a SQuAD 2.0 model: answer "" when the null score (both ends
            on [CLS]) beats the best span's by more than `null_threshold`.
        n_best, max_answer_length: as in `predict_answers`.

    Example:
    >>> endpoints = question_answerer_endpoints(qa, allow_null=True)
    """
    preprocessor = qa.preprocessor

    def logits(features):
        outputs = qa(features, training=False)
        return {k: tf.cast(outputs[k], tf.float32) for k in ("start_logits", "end_logits")}

    def serve_text(question, context):
        windows = preprocessor.windows({"question": question, "context": context})
        features = {k: windows[k] for k in ("token_ids", "segment_ids", "padding_mask")}
        spans = logits(features)
        return decode_spans(windows, spans["start_logits"], spans["end_logits"], context,
                            allow_null, null_threshold, n_best, max_answer_length)

    return [Endpoint("serving_default", serve_text, [strings("question"), strings("context")]),
            ids_endpoint(logits)]


def decode_spans(windows, start_logits, end_logits, context, allow_null, null_threshold,
                 n_best, max_answer_length):
    """The best answer of each question over its windows: `squad_decoding`'s rule in TF ops.

    A span pairs one of a window's `n_best` best starts with one of its `n_best`
    best ends, both in the context, the end not before the start, at most
    `max_answer_length` pieces, the start in its most centred window; it scores
    start + end logit. The null score is a question's lowest start[0] + end[0].
    """
    example = windows["example_index"]
    questions = tf.shape(context)[0]
    k = tf.minimum(n_best, tf.shape(start_logits)[1])
    top_start = tf.math.top_k(start_logits, k)
    top_end = tf.math.top_k(end_logits, k)
    s, t = top_start.indices[:, :, None], top_end.indices[:, None, :]
    in_context = windows["token_word"] >= 0
    valid = (tf.gather(in_context & windows["max_context"], top_start.indices, batch_dims=1)
             [:, :, None]
             & tf.gather(in_context, top_end.indices, batch_dims=1)[:, None, :]
             & (t >= s) & (t - s + 1 <= max_answer_length))
    pair_score = top_start.values[:, :, None] + top_end.values[:, None, :]
    pair_score = tf.reshape(tf.where(valid, pair_score, -float("inf")), [tf.shape(example)[0], -1])
    best_pair = tf.argmax(pair_score, axis=1, output_type=tf.int32)
    window_score = tf.reduce_max(pair_score, axis=1)
    window_start = tf.gather(top_start.indices, best_pair // k, batch_dims=1)
    window_end = tf.gather(top_end.indices, best_pair % k, batch_dims=1)

    best_score = tf.math.unsorted_segment_max(window_score, example, questions)
    rows = tf.range(tf.shape(example)[0])
    # The first window holding a question's best span.
    chosen = tf.math.unsorted_segment_min(
        tf.where(window_score == tf.gather(best_score, example), rows, tf.int32.max),
        example, questions)
    chosen = tf.minimum(chosen, tf.shape(example)[0] - 1)
    start_byte = tf.gather_nd(windows["word_start_byte"],
                              tf.stack([chosen, tf.gather(window_start, chosen)], 1))
    end_byte = tf.gather_nd(windows["word_end_byte"],
                            tf.stack([chosen, tf.gather(window_end, chosen)], 1))
    null_score = tf.math.unsorted_segment_min(start_logits[:, 0] + end_logits[:, 0], example,
                                              questions)
    # Not `best_score > -inf`: a segment max over only -inf is the lowest float.
    found = tf.math.unsorted_segment_max(
        tf.cast(tf.reduce_any(valid, axis=[1, 2]), tf.int32), example, questions) > 0
    if allow_null:
        # In float64, as the Python decoder compares the float32 scores.
        margin = tf.cast(null_score, tf.float64) - tf.cast(best_score, tf.float64)
        found &= ~(margin > null_threshold)
    # Questions without an answer read an empty span at 0 (substr refuses a start
    # past the end of an empty context).
    start_byte = tf.where(found, start_byte, 0)
    end_byte = tf.where(found, end_byte, 0)
    span = tf.strings.substr(context, start_byte, end_byte - start_byte)
    start_char = tf.strings.length(tf.strings.substr(context, tf.zeros_like(start_byte),
                                                     start_byte), unit="UTF8_CHAR")
    end_char = start_char + tf.strings.length(span, unit="UTF8_CHAR")
    return {
        "answer": tf.where(found, span, ""),
        "start_char": tf.where(found, start_char, -1),
        "end_char": tf.where(found, end_char, -1),
        "score": tf.where(found, best_score, null_score),
    }
