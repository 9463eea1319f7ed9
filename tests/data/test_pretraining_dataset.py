import pytest
import tensorflow as tf

from keras_electra import ElectraConfig
from keras_electra.data import dataset_config_overrides, pretraining_dataset, read_manifest
from keras_electra.data.pretraining_examples import write_pretraining_examples
from keras_electra.errors import DataError


@pytest.fixture(scope="module")
def data_dir(corpus, vocab_path, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("dataset") / "data")
    write_pretraining_examples([corpus], vocab_path, out, max_seq_length=32, num_shards=4,
                               progress=False)
    return out


def all_rows(dataset):
    return [tuple(row) for batch in dataset for row in batch["token_ids"].numpy()]


def test_static_int32_batches(data_dir):
    dataset = pretraining_dataset(data_dir, 16, seed=0)
    for name, spec in dataset.element_spec.items():
        assert spec.shape == (16, 32) and spec.dtype == tf.int32, name
    batch = next(iter(dataset))
    assert set(batch) == {"token_ids", "segment_ids", "padding_mask"}
    mask = batch["padding_mask"].numpy()
    assert ((batch["token_ids"].numpy() != 0) == (mask == 1)).all()


def test_one_pass_reads_every_example_once_minus_the_remainder(data_dir):
    count = read_manifest(data_dir)["example_count"]
    rows = all_rows(pretraining_dataset(data_dir, 16, shuffle=False, repeat=False))
    assert len(rows) == count // 16 * 16
    shuffled = all_rows(pretraining_dataset(data_dir + "/*.tfrecord", 16, repeat=False, seed=3))
    assert len(shuffled) == len(rows) and shuffled != rows
    again = all_rows(pretraining_dataset(data_dir, 16, repeat=False, seed=3))
    assert again == shuffled  # A seed makes the order reproducible.


def test_input_pipelines_get_disjoint_parts(data_dir):
    parts = []
    for pipeline in range(2):
        context = tf.distribute.InputContext(2, pipeline, 2)
        dataset = pretraining_dataset(data_dir, 16, shuffle=False, repeat=False,
                                      input_context=context)
        assert dataset.element_spec["token_ids"].shape == (8, 32)  # Per replica.
        parts.append(set(all_rows(dataset)))
    assert parts[0] and parts[1] and not parts[0] & parts[1]


def test_config_must_agree_with_the_data(data_dir):
    config = ElectraConfig.preset("tiny", **dataset_config_overrides(read_manifest(data_dir)))
    pretraining_dataset(data_dir, 4, config=config)
    with pytest.raises(DataError, match=r"max_seq_length: data 32, config 64"):
        pretraining_dataset(data_dir, 4, config=config.replace(max_seq_length=64))
    with pytest.raises(DataError, match=r"vocab_size: data \d+, config 999"):
        pretraining_dataset(data_dir, 4, config=config.replace(vocab_size=999))
    with pytest.raises(DataError, match=r"mask_token_id: data 4, config 7"):
        pretraining_dataset(data_dir, 4, config=config.replace(mask_token_id=7))


def test_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(DataError, match="holds no manifest.json"):
        pretraining_dataset(str(tmp_path), 4)


def test_repeat_goes_past_one_epoch(data_dir):
    per_epoch = read_manifest(data_dir)["example_count"] // 32
    batches = list(pretraining_dataset(data_dir, 32, seed=0).take(3 * per_epoch + 1))
    assert len(batches) == 3 * per_epoch + 1
    assert {tuple(b["token_ids"].shape) for b in batches} == {(32, 32)}
