"""Entity-level span F1 for tag sequences in the BIO (IOB2) and BIOES schemes.

A predicted entity counts only if its type, start and end all match a gold
entity, as in the CoNLL evaluation script (`conlleval`) and seqeval's strict
mode. Ill-formed sequences are read the way conlleval reads them: an I- (or
E-) tag that does not continue an entity of its type starts a new one.
"""


def _split(tag):
    if tag in ("O", "", None):
        return "O", None
    if len(tag) > 2 and tag[1] in "-_":
        return tag[0].upper(), tag[2:]
    raise ValueError(
        f"Tag {tag!r} is not in a BIO/BIOES scheme (expected O or a prefix "
        "B-, I-, E-, S- and a type)."
    )


def entity_spans(tags):
    """The (type, start, end_inclusive) entities of one sentence's tags.

    >>> entity_spans(["B-PER", "I-PER", "O", "S-LOC", "B-ORG", "E-ORG"])
    [('PER', 0, 1), ('LOC', 3, 3), ('ORG', 4, 5)]
    """
    spans, current = [], None  # current = [type, start]
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, kind = _split(tag)
        continues = current is not None and prefix in ("I", "E") and kind == current[0]
        if current is not None and not continues:
            spans.append((current[0], current[1], i - 1))
            current = None
        if prefix in ("B", "S") or (prefix in ("I", "E") and not continues):
            current = [kind, i]
        if prefix in ("S", "E") and current is not None:
            spans.append((current[0], current[1], i))
            current = None
    return spans


def span_f1(gold_sentences, predicted_sentences):
    """Precision, recall and F1 of the entities over a corpus of tag sequences.

    >>> span_f1([["B-PER", "I-PER", "O"]], [["B-PER", "O", "O"]])
    {'precision': 0.0, 'recall': 0.0, 'f1': 0.0, 'gold_entities': 1, 'predicted_entities': 1}
    """
    if len(gold_sentences) != len(predicted_sentences):
        raise ValueError(
            f"{len(gold_sentences)} gold sentences but {len(predicted_sentences)} predicted."
        )
    gold_total = predicted_total = correct = 0
    for gold, predicted in zip(gold_sentences, predicted_sentences):
        if len(gold) != len(predicted):
            raise ValueError(
                f"A sentence has {len(gold)} gold tags but {len(predicted)} predicted ones."
            )
        gold_spans, predicted_spans = set(entity_spans(gold)), set(entity_spans(predicted))
        gold_total += len(gold_spans)
        predicted_total += len(predicted_spans)
        correct += len(gold_spans & predicted_spans)
    precision = correct / predicted_total if predicted_total else 0.0
    recall = correct / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "gold_entities": gold_total,
        "predicted_entities": predicted_total,
    }


def is_span_scheme(tags):
    """True when every tag is O or carries a B/I/E/S prefix (then span F1 applies)."""
    try:
        prefixes = {_split(t)[0] for t in tags}
    except ValueError:
        return False
    return prefixes <= {"O", "B", "I", "E", "S"} and bool(prefixes - {"O"})
