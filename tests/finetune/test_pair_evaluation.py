"""Fine-tuning's dev evaluation of a sentence-pair task gives the model both sentences."""

import keras
import numpy as np

from keras_electra.tasks.task_data import ClassificationData


class PairReader:
    """Predicts class 1 when text_b is longer than text_a, the way Keras would call it."""

    def predict(self, dataset, verbose=0):
        outputs = []
        for batch in dataset:
            x, _, _ = keras.utils.unpack_x_y_sample_weight(batch)
            assert isinstance(x, tuple) and len(x) == 2, "the model did not get both texts"
            a, b = (np.char.str_len(t.numpy().astype(str)) for t in x)
            outputs.append(np.stack([b <= a, b > a], axis=-1).astype("float32"))
        return np.concatenate(outputs)


def test_pair_evaluation_passes_text_a_and_text_b():
    data = object.__new__(ClassificationData)
    data.pairs, data.regression, data.metric_names = True, False, ["accuracy"]
    text_a = np.array(["a", "a long one", "mid", "xx"], object)
    text_b = np.array(["longer b", "b", "middle", "x"], object)
    data.dev = {"dev": ([text_a, text_b], np.array([1, 0, 1, 0]))}
    assert data.evaluate(PairReader(), batch_size=3)["dev"]["accuracy"] == 1.0
