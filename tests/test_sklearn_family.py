"""Tests of adaptlab.sklearn_family: the trained scikit-learn state space."""
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler

from adaptlab.data import load_digits_dataset, make_cifar_like, train_val_test_split
from adaptlab.family import Family
from adaptlab.sklearn_family import (
    Downsample,
    SoftmaxNearestCentroid,
    count_estimator_flops,
    make_sklearn_states,
    train_sklearn_family,
)


@pytest.fixture(scope="module")
def splits():
    return train_val_test_split(make_cifar_like(3_000, seed=0), seed=0)


@pytest.fixture(scope="module")
def family(splits):
    return train_sklearn_family(splits, seed=0, progress=False)


def test_family_shapes(family, splits):
    assert isinstance(family, Family)
    n_states = len(family)
    assert n_states >= 5
    assert family.unit == "MFLOPs"
    assert family.proba_val.shape == (len(splits.val), n_states, 10)
    assert family.proba_test.shape == (len(splits.test), n_states, 10)
    np.testing.assert_array_equal(family.y_val, splits.val.labels)
    np.testing.assert_array_equal(family.y_test, splits.test.labels)
    assert family.latency_ms.shape == (n_states,)
    assert np.all(family.latency_ms > 0)
    assert len(set(family.names)) == n_states


def test_costs_positive_and_ascending(family):
    assert np.all(family.costs > 0)
    assert np.all(np.diff(family.costs) > 0)


def test_probabilities_sum_to_one(family):
    for proba in (family.proba_val, family.proba_test):
        assert np.all(proba >= 0)
        np.testing.assert_allclose(proba.sum(axis=2), 1.0, rtol=1e-5)


def test_flops_match_hand_count(family):
    # 32x32x3 images, 10 classes. Downsampling reads every input value once:
    # 3072. Standardising costs 2 per feature. A dense layer d_in x d_out costs
    # 2 * d_in * d_out + d_out (bias); a ReLU 1 per unit; the softmax 3 * 10.
    centroid = 3072 + 2 * 48 + (2 * 48 * 10 + 10) + 3 * 10
    logistic = 3072 + 2 * 192 + (2 * 192 * 10 + 10) + 3 * 10
    mlp = 3072 + 2 * 192 + (2 * 192 * 128 + 128 + 128) + (2 * 128 * 10 + 10) + 3 * 10
    # PCA to 16: centre 192, project; 500 random features: product, offset, cosine, scale.
    pca, random_features = 192 + 2 * 192 * 16, 2 * 16 * 500 + 3 * 500
    rff = 3072 + pca + 2 * 16 + random_features + (2 * 500 * 10 + 10) + 3 * 10
    costs = dict(zip(family.names, family.costs * 1e6))
    assert costs["centroid-4x4"] == pytest.approx(centroid)  # 4168
    assert costs["logistic-8x8"] == pytest.approx(logistic)  # 7336
    assert costs["rff500-8x8"] == pytest.approx(rff)  # 36980
    assert costs["mlp128-8x8"] == pytest.approx(mlp)  # 55464


def test_same_seed_same_probabilities(family, splits):
    again = train_sklearn_family(splits, seed=0, progress=False)
    assert again.names == family.names
    np.testing.assert_array_equal(again.costs, family.costs)
    np.testing.assert_array_equal(again.proba_test, family.proba_test)
    np.testing.assert_array_equal(again.proba_val, family.proba_val)


def test_accuracy_ladder(family):
    accuracy = family.accuracies
    assert accuracy[0] > 0.2  # chance is 0.1
    assert accuracy[-1] > accuracy[0] + 0.2
    assert accuracy[1:].min() > accuracy[0]


def test_easy_instances_are_right_more_often(family, splits):
    difficulty = splits.test.difficulty
    easy = difficulty < np.median(difficulty)
    correct = family.correct_test
    assert np.all(correct[easy].mean(axis=0) > correct[~easy].mean(axis=0) + 0.2)
    # On easy images, most states are right.
    assert np.median(correct[easy].mean(axis=1)) > 0.5


def test_works_on_digits():
    splits = train_val_test_split(load_digits_dataset(), seed=0)
    family = train_sklearn_family(splits, seed=0, progress=False)
    assert family.proba_test.shape == (len(splits.test), len(family), 10)
    assert np.all(np.diff(family.costs) >= 0)
    assert family.accuracies.min() > 0.5


def test_downsample_averages_blocks():
    image = np.zeros((4, 4, 1), dtype=np.uint8)
    image[:2, :2] = 255  # top-left block white
    image[2:, 2:] = 51  # bottom-right block grey
    down = Downsample((4, 4, 1), side=2).fit(image.reshape(1, -1))
    np.testing.assert_allclose(down.transform(image.reshape(1, -1)), [[1.0, 0.0, 0.0, 0.2]])


def test_softmax_nearest_centroid_predicts_nearest():
    X = np.array([[0.0, 0.0], [0.2, 0.0], [5.0, 5.0], [5.2, 5.0]])
    y = np.array([3, 3, 7, 7])
    model = SoftmaxNearestCentroid().fit(X, y)
    np.testing.assert_array_equal(model.predict([[0.1, 0.3], [4.0, 4.0]]), [3, 7])
    proba = model.predict_proba([[0.1, 0.3], [2.6, 2.5]])  # centroids (0.1, 0), (5.1, 5)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba[0, 0] > 0.9
    np.testing.assert_allclose(proba[1], [0.5, 0.5])  # halfway: a coin flip


def test_count_estimator_flops_rejects_unknown_and_unfitted():
    message = (
        "^estimator must be one of Downsample, LogisticRegression, MLPClassifier, PCA, Pipeline, "
        "RBFSampler, SoftmaxNearestCentroid, StandardScaler \\(fitted\\) for "
        "count_estimator_flops, got object\\.$"
    )
    with pytest.raises(ValueError, match=message):
        count_estimator_flops(object())
    with pytest.raises(NotFittedError):
        count_estimator_flops(StandardScaler())


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: train_sklearn_family("not splits"), "splits"),
        (lambda: make_sklearn_states((32, 32)), "image_shape"),
        (lambda: make_sklearn_states((32, 16, 3)), "image_shape"),
        (lambda: make_sklearn_states((32, 32, 3), seed=-1), "seed"),
        (lambda: Downsample((32, 32, 3), side=5).fit(np.zeros((1, 3072))), "side"),
        (lambda: Downsample((32, 32, 3), side=8).fit(np.zeros((1, 100))), "X"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_train_needs_every_class(splits):
    keep = splits.train.labels != 9
    crippled = type(splits)(splits.train.subset(keep), splits.val, splits.test)
    with pytest.raises(ValueError, match="splits.train.*9"):
        train_sklearn_family(crippled, progress=False)


@pytest.mark.parametrize(("n_instances", "n_train"), [(100, 60), (159, 95)])
def test_too_few_training_images_are_named(n_instances, n_train):
    splits = train_val_test_split(make_cifar_like(n_instances))
    message = (
        f"^splits.train has {n_train} images, but the state 'mlp512-pca96-16x16' projects them "
        "onto 96 principal components, which takes at least 96 training images: "
        "use a larger data set\\.$"
    )
    with pytest.raises(ValueError, match=message):
        train_sklearn_family(splits, progress=False)


@pytest.mark.filterwarnings("ignore:Got `batch_size`:UserWarning")  # 96 images, batches of 512
def test_the_smallest_data_set_trains_end_to_end(family):
    splits = train_val_test_split(make_cifar_like(160))
    assert len(splits.train) == 96
    small = train_sklearn_family(splits, progress=False)
    # Costs depend only on the shapes: the same as on 3,000 images.
    assert small.names == family.names
    np.testing.assert_array_equal(small.costs, family.costs)
    assert small.proba_test.shape == (32, 6, 10)
    np.testing.assert_allclose(small.proba_test.sum(axis=2), 1.0, rtol=1e-5)
    assert small.accuracies[0] > 0.2  # the cheapest state still learns something (chance 0.1)
