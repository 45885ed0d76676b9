"""Tests of the torch state spaces: FLOPs, training, evaluation and the disk cache."""
import pickle
import re
from dataclasses import replace
from functools import partial

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch import nn

from adaptlab import torch_family
from adaptlab.data import Dataset, train_val_test_split
from adaptlab.torch_family import (
    ConvNet,
    ConvNetConfig,
    count_forward_flops,
    default_cache_dir,
    predict_proba,
    train_cnn_family,
    train_early_exit,
)

COLOURS = np.array([[230, 40, 40], [40, 230, 40], [40, 40, 230], [230, 230, 40]], np.uint8)
TINY_FAMILY = ((8,), (8, 16))
FAST = {"epochs": 3, "batch_size": 16, "progress": False}


def coloured_squares(n=960, side=16, seed=0):
    """Noise images with a 4x4 square whose colour is the class: learnable by a small CNN."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(COLOURS)).astype(np.int64)
    images = rng.integers(0, 120, (n, side, side, 3), dtype=np.uint8)
    for image, label in zip(images, labels):
        row, col = rng.integers(0, side - 4, size=2)
        image[row : row + 4, col : col + 4] = COLOURS[label]
    return Dataset(images, labels, ("red", "green", "blue", "yellow"))


def no_training(*args, **kwargs):
    raise AssertionError("trained again instead of loading the cache")


@pytest.fixture(scope="module")
def splits():
    return train_val_test_split(coloured_squares(), seed=0)


@pytest.fixture(scope="module")
def family(splits, tmp_path_factory):
    return train_cnn_family(
        splits, TINY_FAMILY, cache_dir=tmp_path_factory.mktemp("cache"), **FAST
    )


@pytest.fixture(scope="module")
def early_exit(splits, tmp_path_factory):
    return train_early_exit(
        splits, (8, 16), cache_dir=tmp_path_factory.mktemp("cache"), **FAST
    )


# ---------------------------------------------------------------- FLOPs


def test_count_forward_flops_matches_hand_computation():
    net = nn.Sequential(nn.Conv2d(3, 5, 3, padding=1), nn.Flatten(), nn.Linear(5 * 8 * 8, 10))
    expected = 2 * 3 * 3 * 3 * 5 * 8 * 8 + 2 * (5 * 8 * 8) * 10
    assert count_forward_flops(net, torch.zeros(1, 3, 8, 8)) == expected


def test_early_exit_flops_are_the_backbone_up_to_the_exit_plus_every_head_so_far():
    net = ConvNet(ConvNetConfig((4, 8), early_exit=True), in_channels=3, n_classes=10).eval()
    block_1 = 2 * 3 * 3 * 3 * 4 * 8 * 8  # 3x3 conv on the 8x8 image
    block_2 = 2 * 3 * 3 * 4 * 8 * 4 * 4  # 3x3 conv on the pooled 4x4 map
    one_image = torch.zeros(1, 3, 8, 8)
    assert count_forward_flops(partial(net, n_exits=1), one_image) == block_1 + 2 * 4 * 10
    assert (
        count_forward_flops(partial(net, n_exits=2), one_image)
        == block_1 + block_2 + 2 * (4 + 8) * 10
    )


def test_convnet_runs_only_the_blocks_up_to_the_exit():
    net = ConvNet(ConvNetConfig((4, 8, 16), early_exit=True), in_channels=3, n_classes=5)
    x = torch.zeros(2, 3, 16, 16)
    assert [tuple(logits.shape) for logits in net(x, n_exits=2)] == [(2, 5), (2, 5)]
    assert len(net(x)) == 3
    assert len(ConvNet(ConvNetConfig((4, 8, 16)), 3, 5)(x)) == 1


@pytest.mark.parametrize("n_exits", [0, -1, 3, 1.0, "2"])
def test_convnet_rejects_exits_it_does_not_have(n_exits):
    net = ConvNet(ConvNetConfig((4, 8), early_exit=True), in_channels=3, n_classes=5)
    with pytest.raises(ValueError, match="^n_exits "):
        net(torch.zeros(1, 3, 8, 8), n_exits=n_exits)
    with pytest.raises(ValueError, match="^n_exits "):
        predict_proba(net, np.zeros((2, 8, 8, 3), np.uint8), n_exits=n_exits)


def test_predict_proba_of_each_exit():
    torch.manual_seed(0)
    net = ConvNet(ConvNetConfig((4, 8), early_exit=True), in_channels=3, n_classes=5).eval()
    images = np.random.default_rng(0).integers(0, 256, (6, 8, 8, 3), dtype=np.uint8)
    with torch.no_grad():
        logits = net(torch_family._to_tensor(images))
    for n_exits, exit_logits in zip((1, 2), logits):
        expected = torch.softmax(exit_logits.double(), dim=1).numpy()
        proba = predict_proba(net, images, n_exits=n_exits, batch_size=4)
        np.testing.assert_allclose(proba, expected)
    last = predict_proba(net, images, n_exits=2)
    np.testing.assert_array_equal(predict_proba(net, images), last)
    with pytest.raises(ValueError, match="^batch_size "):
        predict_proba(net, images, batch_size=0)


SCALED_HINT = re.escape("(images * 255).round().astype(np.uint8) if they were scaled")


@pytest.mark.parametrize(
    "shape, dtype, message",
    [
        ((2, 8, 8, 3), float, f"^images must be uint8 pixels 0-255 .* float64 .*{SCALED_HINT}"),
        ((2, 8, 8, 3), np.int64, "^images must be uint8 pixels 0-255 .* got int64 "),
        ((8, 8, 3), np.uint8, r"^images must be uint8 .* got uint8 of shape \(8, 8, 3\)"),
        ((0, 8, 8, 3), np.uint8, r"^images is empty, shape \(0, 8, 8, 3\): pass at"),
        ((2, 8, 8, 1), np.uint8, r"^images must have 3 channels .* \(2, 8, 8, 1\)\.$"),
        ((2, 2, 8, 3), np.uint8, "^images: the 2 blocks of exit-4-8 .* 4x4 pixels, got 2x8"),
    ],
)
def test_predict_proba_names_images_the_model_cannot_take(shape, dtype, message):
    net = ConvNet(ConvNetConfig((4, 8), early_exit=True), in_channels=3, n_classes=5)
    with pytest.raises(ValueError, match=message):
        predict_proba(net, np.zeros(shape, dtype))


def test_predict_proba_of_scaled_images_is_refused_not_rescaled():
    net = ConvNet(ConvNetConfig((4,)), in_channels=3, n_classes=5)
    pixels = np.random.default_rng(0).integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="^images must be uint8"):
        predict_proba(net, pixels / 255.0)
    rescaled = (pixels / 255.0 * 255).round().astype(np.uint8)  # the fix the message gives
    np.testing.assert_array_equal(predict_proba(net, rescaled), predict_proba(net, pixels))
    with pytest.raises(ValueError, match="^model must be a ConvNet, got Sequential"):
        predict_proba(nn.Sequential(), pixels)


def test_config_names_and_exits():
    assert ConvNetConfig([8, 16]).channels == (8, 16)
    assert ConvNetConfig((8, 16)).name == "cnn-8-16"
    assert ConvNetConfig((8, 16)).exits == (2,)
    assert ConvNetConfig((8, 16), early_exit=True).exits == (1, 2)


# ---------------------------------------------------------------- families


@pytest.mark.slow
def test_family_is_ordered_by_cost_and_well_formed(family, splits):
    assert family.names == ("cnn-8", "cnn-8-16")
    assert family.unit == "MFLOPs"
    assert np.all(np.diff(family.costs) > 0)
    assert family.proba_val.shape == (len(splits.val), 2, 4)
    assert family.proba_test.shape == (len(splits.test), 2, 4)
    np.testing.assert_allclose(family.proba_test.sum(axis=2), 1.0, atol=1e-9)
    np.testing.assert_array_equal(family.y_val, splits.val.labels)
    assert family.latency_ms.shape == (2,) and np.all(family.latency_ms > 0)


@pytest.mark.slow
def test_family_learns_a_learnable_problem(family):
    assert family.accuracies[-1] > 0.8  # chance is 0.25


@pytest.mark.slow
def test_early_exit_states_are_its_exits(early_exit, splits):
    assert early_exit.names == ("exit-1", "exit-2")
    assert np.all(np.diff(early_exit.costs) > 0)
    np.testing.assert_allclose(early_exit.proba_val.sum(axis=2), 1.0, atol=1e-9)
    assert early_exit.proba_test.shape == (len(splits.test), 2, 4)
    assert early_exit.accuracies[-1] > 0.8


def test_same_seed_gives_same_probabilities(splits, tmp_path):
    first = train_cnn_family(splits, ((4,),), cache_dir=tmp_path / "a", epochs=1, progress=False)
    again = train_cnn_family(splits, ((4,),), cache_dir=tmp_path / "b", epochs=1, progress=False)
    np.testing.assert_array_equal(first.proba_test, again.proba_test)


@pytest.mark.parametrize(
    "lr, where",
    [
        (1e30, "at epoch 1, batch 2: the loss is nan"),
        (1e10, "in epoch 1: the weights hold NaN or inf"),  # a running variance overflows
    ],
)
def test_diverging_training_stops_with_a_named_error_and_caches_nothing(
    splits, tmp_path, lr, where
):
    message = f"training cnn-4-8 diverged {where}. Lower lr (now {lr:g}), e.g. to the default 0.02"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}.$"):
        train_cnn_family(splits, ((4, 8),), cache_dir=tmp_path, epochs=1, lr=lr, progress=False)
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_training_settings_may_be_numpy_numbers():
    settings = torch_family._check_training(
        np.int64(2), np.int32(64), np.float32(0.5), np.uint8(0)
    )
    assert settings == {"epochs": 2, "batch_size": 64, "lr": 0.5, "seed": 0}
    assert all(type(value) in (int, float) for value in settings.values())
    assert torch_family._check_training(1, 1, np.int64(1), 0)["lr"] == 1.0


def test_numpy_settings_share_the_cache_of_the_same_python_settings(splits, tmp_path, monkeypatch):
    python = train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, lr=0.02, progress=False)
    monkeypatch.setattr(torch_family, "fit", no_training)
    numpy = train_early_exit(
        splits,
        (4,),
        cache_dir=tmp_path,
        epochs=np.int64(1),
        batch_size=np.int32(128),
        lr=np.float64(0.02),
        seed=np.uint8(0),
        progress=False,
    )
    np.testing.assert_array_equal(numpy.proba_test, python.proba_test)


# ---------------------------------------------------------------- disk cache


def test_second_call_loads_from_the_cache_without_training(splits, tmp_path, monkeypatch):
    first = train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    monkeypatch.setattr(torch_family, "fit", no_training)
    again = train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    np.testing.assert_array_equal(first.proba_val, again.proba_val)


def test_cache_key_changes_with_settings_and_data(splits, tmp_path):
    train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, seed=1, progress=False)
    relabelled = replace(splits.train, labels=np.roll(splits.train.labels, 1))
    train_early_exit(
        replace(splits, train=relabelled), (4,), cache_dir=tmp_path, epochs=1, progress=False
    )
    assert len(list((tmp_path / "torch").glob("*.pt"))) == 3


def test_cache_holds_a_state_dict_loaded_weights_only(splits, tmp_path, monkeypatch):
    train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    (path,) = (tmp_path / "torch").glob("exit-4-*.pt")
    state = torch.load(path, weights_only=True)
    assert all(isinstance(value, torch.Tensor) for value in state.values())

    calls = []
    real_load = torch.load
    monkeypatch.setattr(
        torch, "load", lambda *a, **kw: calls.append(kw) or real_load(*a, **kw)
    )
    train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    assert calls == [{"weights_only": True}]


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _other_architecture(path):
    torch.save(ConvNet(ConvNetConfig((8,), early_exit=True), 3, 4).state_dict(), path)


def _nan_weights(path):  # as a diverged run cached them before training checked the loss
    state = torch.load(path, weights_only=True)
    state["blocks.0.0.weight"].fill_(float("nan"))
    torch.save(state, path)


UNLOADABLE = r"cannot be loaded \(the file is damaged, or holds another architecture\)"


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda path: path.write_bytes(b""), UNLOADABLE),
        (lambda path: path.write_bytes(b"\x80\x02junk"), UNLOADABLE),
        (lambda path: path.write_bytes(pickle.dumps(print, protocol=2)), UNLOADABLE),
        (_truncate, UNLOADABLE),
        (_other_architecture, UNLOADABLE),
        (_nan_weights, "hold NaN or inf"),
    ],
    ids=["empty", "junk", "code", "truncated", "other architecture", "NaN weights"],
)
def test_a_damaged_cache_file_is_trained_again_and_overwritten(splits, tmp_path, damage, problem):
    first = train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    (path,) = (tmp_path / "torch").glob("*.pt")
    trained = torch.load(path, weights_only=True)
    damage(path)
    expected = f"^The cached weights {re.escape(str(path))} {problem}: training exit-4 again"
    with pytest.warns(UserWarning, match=expected) as caught:
        again = train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    assert not any("weights_only" in str(warning.message) for warning in caught)
    np.testing.assert_array_equal(again.proba_test, first.proba_test)
    assert sorted(path.parent.glob("*.pt")) == [path]  # overwritten
    assert not list(path.parent.glob("*.part"))  # no partial file left
    overwritten = torch.load(path, weights_only=True)
    assert all(torch.equal(overwritten[key], trained[key]) for key in trained)


def test_predictions_are_cached_next_to_the_weights(splits, tmp_path, monkeypatch):
    first = train_early_exit(splits, (4, 8), cache_dir=tmp_path, epochs=1, progress=False)
    assert len(list((tmp_path / "torch").glob("exit-4-8-*-eval-*.npz"))) == 2  # one per exit
    monkeypatch.setattr(torch_family, "fit", no_training)
    monkeypatch.setattr(torch_family, "predict_proba", no_training)
    again = train_early_exit(splits, (4, 8), cache_dir=tmp_path, epochs=1, progress=False)
    for field in ("costs", "proba_val", "proba_test", "latency_ms", "sequential_costs"):
        np.testing.assert_array_equal(getattr(again, field), getattr(first, field))


def test_cached_predictions_belong_to_their_data(splits, tmp_path):
    train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    shuffled = replace(splits, test=replace(splits.test, labels=np.roll(splits.test.labels, 1)))
    other = train_early_exit(shuffled, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    assert len(list((tmp_path / "torch").glob("*-eval-*.npz"))) == 2
    np.testing.assert_array_equal(other.y_test, shuffled.test.labels)


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(b"junk"),
    lambda path: np.savez(path.open("wb"), cost=np.array(1.0)),  # keys missing
    lambda path: np.savez(path.open("wb"), cost=np.array(1.0), proba_val=np.zeros((2, 4)),
                          proba_test=np.zeros((2, 4)), latency=np.array(1.0)),  # wrong shapes
    lambda path: np.savez(path.open("wb"), cost=np.array([print], dtype=object),
                          proba_val=0, proba_test=0, latency=0),  # a pickle: never loaded
], ids=["junk", "missing keys", "wrong shapes", "object array"])
def test_damaged_cached_predictions_are_computed_again(splits, tmp_path, damage):
    first = train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    (path,) = (tmp_path / "torch").glob("*-eval-*.npz")
    damage(path)
    with pytest.warns(UserWarning, match=f"^The cached predictions {re.escape(str(path))} are "
                                         "unusable: computing them again"):
        again = train_early_exit(splits, (4,), cache_dir=tmp_path, epochs=1, progress=False)
    np.testing.assert_array_equal(again.proba_test, first.proba_test)
    with np.load(path, allow_pickle=False) as repaired:
        assert repaired["proba_test"].shape == first.proba_test[:, 0].shape


@pytest.mark.parametrize(
    "cache_dir, message",
    [
        ("a-file", r"^cache_dir '\S*a-file' cannot hold the weights: making the folder "),
        ("a-file/below", r"^cache_dir '\S*below' cannot .* fails \(Not a directory\)\. Pass "),
        (None, r"^cache_dir \(default_cache_dir\(\), \$ADAPTLAB_CACHE\) '\S*a-file' cannot"),
        (3, r"^cache_dir must be a path \(str or Path\), got 3\.$"),
    ],
)
def test_unusable_cache_dir_is_named_before_any_training(
    splits, tmp_path, monkeypatch, cache_dir, message
):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("ADAPTLAB_CACHE", str(tmp_path / "a-file"))
    monkeypatch.setattr(torch_family, "fit", no_training)
    if isinstance(cache_dir, str):
        cache_dir = tmp_path / cache_dir
    with pytest.raises(ValueError, match=message):
        train_cnn_family(splits, ((4,),), cache_dir=cache_dir, progress=False)


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ADAPTLAB_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("ADAPTLAB_CACHE")
    assert default_cache_dir().parts[-2:] == (".cache", "adaptlab")


# ---------------------------------------------------------------- validation


def _empty(dataset):
    return dataset.subset(np.zeros(len(dataset), bool))


@pytest.mark.parametrize(
    "change, argument",
    [
        ({"epochs": 0}, "epochs"),
        ({"epochs": True}, "epochs"),
        ({"epochs": 2.0}, "epochs"),
        ({"batch_size": -1}, "batch_size"),
        ({"batch_size": np.float64(64)}, "batch_size"),
        ({"lr": 0}, "lr"),
        ({"lr": -0.1}, "lr"),
        ({"lr": float("inf")}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"lr": 1e300}, "lr"),  # finite, but Adam's float32 step overflows
        ({"lr": True}, "lr"),
        ({"lr": "0.02"}, "lr"),
        ({"seed": -1}, "seed"),
        ({"seed": None}, "seed"),
        ({"seed": np.True_}, "seed"),
        ({"seed": 0.5}, "seed"),
        ({"channels": ((8, 16), (4, 8))}, "channels"),
        ({"channels": ((4,), (4,))}, "channels"),
        ({"channels": ()}, "channels"),
        ({"channels": (8, 16)}, "channels"),
        ({"channels": ((4, 0),)}, "channels"),
        ({"channels": ((4, 4, 4, 4, 4),)}, "channels"),
    ],
)
def test_bad_arguments_are_named(splits, tmp_path, change, argument):
    kwargs = {"cache_dir": tmp_path, "progress": False} | change
    with pytest.raises(ValueError, match=f"^{argument}[ :]"):
        train_cnn_family(splits, **kwargs)


@pytest.mark.parametrize("part", ["train", "val", "test"])
def test_empty_split_is_rejected(splits, tmp_path, part):
    emptied = replace(splits, **{part: _empty(getattr(splits, part))})
    with pytest.raises(ValueError, match=f"splits.{part}"):
        train_early_exit(emptied, cache_dir=tmp_path, progress=False)


def test_splits_must_be_splits(splits, tmp_path):
    with pytest.raises(ValueError, match="splits"):
        train_early_exit(splits.train, cache_dir=tmp_path, progress=False)


def test_labels_out_of_range_are_rejected(splits):
    # A data set checks its labels itself, before any family sees it.
    with pytest.raises(ValueError, match=r"^labels must be class indices in range\(4\)"):
        replace(splits.test, labels=splits.test.labels + 4)


def test_early_exit_channels_are_checked(splits, tmp_path):
    with pytest.raises(ValueError, match="channels"):
        train_early_exit(splits, (4, 0), cache_dir=tmp_path, progress=False)
