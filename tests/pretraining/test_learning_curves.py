"""A short run of scripts/compare_learning_curves.py: our curve follows transformers'.

The harness's own loop trains `ElectraPretrainer` and transformers' ELECTRA pair side by
side on the same batches of the `topics` language (the recipe of the script: tiny
shapes, batch 16 x 32, dropout 0.1, plain AdamW at a constant 2e-3), seed 0, 300
steps. In the windows of steps 101-200 and 201-300 both figures must agree within
TOLERANCE; the first window is left out, as it straddles the discriminator's steepest
climb, where even the same implementation differs by up to 0.074 between seeds.

TOLERANCE, measured 2026-12-01 by `compare_learning_curves.py --languages topics
--optimizers plain --steps 400` (seeds 0, 1, 2): over those two windows our figures
differed from the reference's by at most 0.018 (disc_auc) and 0.034 (mlm_accuracy);
with issue 12's sparse-gradient embeddings our disc_auc was 0.065 to 0.098 under it in
the second window. 0.04 passes the first and fails the second.
"""

import os
import sys

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "scripts"))
import compare_learning_curves  # noqa: E402

LANGUAGE, OPTIMIZER, SEED, STEPS = "topics", "plain", 0, 300
TOLERANCE = 0.04


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    try:
        compare_learning_curves.limit_threads(1)
    except RuntimeError:  # TensorFlow already ran ops in this session: keep its pools
        pass


def test_our_curve_follows_the_reference():
    args = compare_learning_curves.parse_args(["--steps", str(STEPS)])
    curves = compare_learning_curves.train_side_by_side(LANGUAGE, OPTIMIZER, SEED, STEPS, args)
    ours, reference = np.array(curves["ours"]), np.array(curves["reference"])
    assert ours.shape == reference.shape == (STEPS // 100, 2)
    # Agreeing must mean learning alike, not both standing still.
    assert reference[1, 0] > reference[0, 0] + 0.1
    gaps = np.abs(ours - reference)[1:]
    assert np.all(gaps <= TOLERANCE), (ours.round(3).tolist(), reference.round(3).tolist())
