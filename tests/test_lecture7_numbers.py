"""What Lecture 7's prose says about its numbers, checked so that it cannot drift.

The notebook prints every number; its Markdown quotes a few of them and states what others
show (which is larger, what barely moves). Each test below computes the figure with the library
on the notebook's inputs and checks the sentence, which it quotes.
"""
from pathlib import Path

import jupytext
import numpy as np
import pytest

from adaptlab import bounds
from adaptlab.published import family_state_space, paper_table1, timm_state_space
from adaptlab.statespace import StateSpace

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "07_designing_state_spaces.py"


@pytest.fixture(scope="module")
def prose():
    """The notebook's Markdown, whitespace collapsed (sentences wrap across lines)."""
    cells = jupytext.read(NOTEBOOK).cells
    return " ".join(" ".join(cell.source.split()) for cell in cells if cell.cell_type == "markdown")


@pytest.fixture(scope="module")
def effnet():
    return family_state_space("EfficientNet")


@pytest.fixture(scope="module")
def envelopes():
    return timm_state_space(), timm_state_space(imagenet_1k_only=True)


def without(space, states):
    return space.subset([i for i in range(len(space)) if i not in states])


def test_eq11_r_n_is_55_times_r_2_and_the_main_texts_limit_is_dearer_than_b1_to_b6(prose, effnet):
    assert "for EfficientNet, $R_N$ is 55 times $R_2$" in prose
    assert round(effnet.costs[-1] / effnet.costs[1]) == 55
    fraction = effnet.smallest_state_limit(1000) / effnet.costs[1]
    main_text = fraction * effnet.costs[-1]
    # "allows a 'smallest' state dearer than B1, and even than several of the states above it"
    assert main_text > effnet.costs[-2] > effnet.costs[1]
    # the scan's break-even point is the R_2 version, and B0 is below it
    assert effnet.costs[0] < effnet.smallest_state_limit(1000) < effnet.costs[1]


def test_eq10_two_states_keep_only_a_small_part_of_the_gain(prose, effnet):
    assert "two states keep only a small part of the gain" in prose
    assert effnet.two_state().r_ratio < 0.25 * effnet.conservative().r_ratio


def test_the_smallest_timm_model_passes_eq11_but_not_by_much(prose, envelopes):
    assert "passes the test, but not by much" in prose
    space = envelopes[0]
    assert space.costs[0] < space.smallest_state_limit(1000) < 1.5 * space.costs[0]


def test_eq12_b5_saves_almost_nothing_and_the_best_2_subset_is_not_b0_and_not_nested(prose,
                                                                                     effnet):
    savings = effnet.granularity().savings  # states B1..B7
    names = [name.split("_")[-1].upper() for name in effnet.names]
    assert "B5 adds little accuracy over B4 and saves almost nothing" in prose
    assert names[1 + int(np.argmin(savings[:-1]))] == "B5"  # the last saving is always 0
    assert "Not B0." in prose and "the best 3 are not the best 2 plus one" in prose
    best2, best3 = effnet.best_subset(2).names, effnet.best_subset(3).names
    assert best2[0] != effnet.names[0] and not set(best2) <= set(best3)


def test_fig6_the_less_accurate_envelope_gives_the_larger_gains(prose, envelopes):
    assert "the envelope with the less accurate top model gives the larger gains" in prose
    every, only_1k = envelopes
    assert only_1k.accuracies[-1] < every.accuracies[-1]
    assert only_1k.conservative().r_ratio > every.conservative().r_ratio
    for space in envelopes:  # "steep gains up to 4-6 states, then diminishing returns"
        gains = np.diff(space.best_subsets()["r_ratio"].to_numpy())
        assert gains[:4].min() > gains[6:].max()


def test_eq13_is_the_limit_and_the_timm_rows_are_on_opposite_sides_of_the_papers(effnet,
                                                                                  envelopes):
    R, A = effnet.costs, effnet.accuracies
    dense_R = np.concatenate([np.linspace(R[i], R[i + 1], 1001)[:-1] for i in range(len(R) - 1)]
                             + [R[-1:]])
    dense = bounds.conservative(dense_R, np.interp(dense_R, R, A)).r_ratio
    assert np.isclose(dense, effnet.continuous().r_ratio, rtol=1e-3)
    every, only_1k = envelopes
    for space in (effnet, every, only_1k):  # continuous above discrete on every row
        assert space.continuous().r_ratio > space.conservative().r_ratio
    assert every.continuous().r_ratio < 160.94 < only_1k.continuous().r_ratio


def test_the_quoted_69x_and_224x(prose, envelopes):
    every, only_1k = envelopes
    assert round(every.conservative().r_ratio) == 69 and round(only_1k.conservative().r_ratio) == 224
    assert "about 69× (all weights) and 224× (ImageNet-1k only)" in prose
    assert "the bound is about 69× (all weights) or 224× (ImageNet-1k only)" in prose
    assert f"{paper_table1().set_index('family').loc['SOTA', 'r_ratio'].iloc[0]}×" in prose


def test_dropping_the_smallest_hardly_moves_the_bound_and_the_largest_moves_it_both_ways(
        prose, envelopes):
    assert "Dropping the smallest models hardly moves the bound." in prose
    assert "and in either direction" in prose
    changes = []
    for space in envelopes:
        base = space.conservative().r_ratio
        for dropped in ([0], [0, 1], [0, 1, 2]):
            assert abs(without(space, dropped).conservative().r_ratio / base - 1) < 0.03
        n = len(space)
        for dropped in ([n - 1], [n - 2, n - 1], [n - 3, n - 2, n - 1]):
            changes.append(without(space, dropped).conservative().r_ratio / base - 1)
    assert max(changes) > 0.5 and min(changes) < -0.3


def test_the_top_steps_explain_the_two_envelopes(prose, envelopes):
    every, only_1k = envelopes
    step = [space.accuracies[-1] - space.accuracies[-2] for space in envelopes]
    # all weights: "clearly more accurate than the one below it ... well under the cap"
    assert step[0] > 0.005 and every.conservative().r_ratio < 0.5 / step[0]
    # ImageNet-1k only: "barely more accurate than its neighbour but much dearer"
    assert step[1] < 0.001 and only_1k.costs[-1] > 1.3 * only_1k.costs[-2]
    assert "the largest model is barely more accurate than its neighbour but much dearer" in prose
    for space in envelopes:  # s_N R_N / R_oracle = (A_N - A_{N-1}) R_ratio
        point = space.conservative()
        assert np.isclose(point.exit_share[-1] * space.costs[-1] / point.selection_cost,
                          (space.accuracies[-1] - space.accuracies[-2]) * point.r_ratio)


def test_adding_the_papers_largest_state_lifts_one_envelope_and_collapses_the_other(
        prose, envelopes):
    sota = paper_table1().set_index("family").loc["SOTA"].iloc[0]
    every, only_1k = envelopes
    topped = [StateSpace(space.names + ("top",), np.r_[space.costs, sota.r_n_gflops],
                         np.r_[space.accuracies, sota.a_n], unit=space.unit).pareto()
              for space in envelopes]
    # "lifts the bound toward the paper's figures"
    assert every.conservative().r_ratio < topped[0].conservative().r_ratio < sota.r_ratio
    assert topped[0].best_subset(4).conservative().r_ratio > 80  # the paper's "over 80x"
    # "collapses the bound ... the step ... is several points of accuracy"
    assert topped[1].conservative().r_ratio < 0.2 * only_1k.conservative().r_ratio
    assert sota.a_n - only_1k.accuracies[-1] > 0.03
    assert "it *collapses* the bound" in prose


def test_the_designed_cascades_keep_few_states_and_sit_between_the_largest_and_the_oracle(prose):
    pytest.importorskip("torch")
    from adaptlab.compare import design_cascade
    from adaptlab.data import make_cifar_like, train_val_test_split
    from adaptlab.sklearn_family import train_sklearn_family
    from adaptlab.torch_family import train_cnn_family

    families = [
        train_sklearn_family(train_val_test_split(make_cifar_like(6_000, seed=0), seed=0),
                             seed=0, progress=False),
        train_cnn_family(train_val_test_split(make_cifar_like(20_000, seed=0), seed=0), seed=0,
                         progress=False),
    ]
    for family in families:
        design = design_cascade(family)
        frontier = family.pareto()
        # "keeps a few states, not the whole family"
        assert len(design.states) < len(frontier)
        # "The cascade through every state costs more on validation than the design (here still
        # less than the largest state alone ...)"
        calibrated = design.candidates[design.candidates["status"] == "calibrated"]
        every = calibrated[calibrated["states"].map(len) == len(frontier)]["val cost"].min()
        assert design.val_cost < every < design.largest_cost
        # "on test the design lands near it, not exactly on it"
        assert abs(design.relative_accuracy - 0.99) < 0.02
        # "a few times cheaper than the largest state alone ... the exact oracle ... several
        # times cheaper still"
        assert 2 < design.r_ratio < 5 and design.oracle_r_ratio > 3 * design.r_ratio
    assert "The design keeps **a few states**, not the whole family" in prose
