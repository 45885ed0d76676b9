# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python (adaptlab)
#     language: python
#     name: adaptlab
# ---

# %% [raw]
# # ASSIGNMENT CONFIG
# name: a04_state_space
# init_cell: true
# check_all_cell: true
# export_cell: false
# tests:
#   files: false
#   ok_format: false
# generate: true

# %% [markdown]
# # Assignment 4 · A state space you train yourself
#
# In Lecture 4 you trained six scikit-learn models and measured on them what the paper measures on
# ImageNet. Here you train a smaller copy of that family (3,000 images, a few seconds) and study it
# as you would a family of your own before deploying it: which states are worth keeping at all,
# how their errors overlap (α), what the exact oracle and the conservative bound say, and which
# state the oracle could least afford to lose.
#
# | question | skill | points |
# |---|---|---|
# | 1 · the Pareto frontier | implement | 3 |
# | 2 · which states were dropped, and why | explain (graded by hand) | 2 |
# | 3 · α per state, by counting | measure (Eq 6) | 3 |
# | 4 · the exact oracle and the bound on your states | measure (Eq 4-5, Eq 9) | 2 |
# | 5 · which state matters most? | implement and measure | 3 |
# | 6 · what the gap says about the errors | explain (graded by hand) | 2 |
# | **total** | 11 checked automatically, 4 by hand | **15** |
#
# *Estimated time:* 70-85 minutes. *Prerequisites:* Lectures 2-4 (the adaptive oracle, α and the
# bounds, the scikit-learn family); numpy boolean arrays, a little pandas.
#
# **How the checks work.** After each answer, run the `grader.check("q1")` cell below it. A failing
# check says what it expected and gives a hint; fix your answer and run both cells again. A passing
# check means your answer is right on the cases shown to you. When the assignment is graded, more
# cases are checked (random state spaces, ties, two states, ...): test your functions on your own
# cases too. Questions 2 and 6 are read and graded by hand.
#
# **Rules.** Write `pareto_front` (question 1) with numpy only, without `adaptlab.statespace`.
# Everywhere else use the library freely. Do not assign another value to `family`: the checks
# read your measurements off it. Run the whole notebook top to bottom before you submit
# (*Run → Run All Cells*), then submit this `.ipynb` file.
#
# **Notation** (as in Lecture 4; costs are in MFLOPs, millions of floating-point operations per
# image, counted from each fitted model)
#
# | symbol | meaning | in code |
# |---|---|---|
# | $N$ | number of states, ordered by ascending cost | `len(costs)` |
# | $R_i$, $A_i$ | cost and accuracy of state $i$ | `costs[i - 1]`, `correct[:, i - 1].mean()` |
# | `correct[x, i]` | is state `i` right on image `x`? | `family.correct_val`, `family.correct_test` |
# | $\alpha_i$ | $P(\text{states } 1..i-1 \text{ all wrong} \mid \text{state } i \text{ wrong})$ (Eq 6) | `bounds.alphas(correct)` |
# | $R_{oracle}$, $A_{oracle}$ | the exact oracle's selection cost and accuracy | `bounds.oracle(correct, costs)` |
# | $R_{oracle}(A_N)$ | the exact oracle's least cost at the largest state's accuracy | `cost_at_accuracy` on `oracle_frontier` |

# %%
import time

import numpy as np
import pandas as pd

from adaptlab import bounds
from adaptlab.cascade import oracle_frontier
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.metrics import cost_at_accuracy
from adaptlab.sklearn_family import train_sklearn_family
from adaptlab.statespace import pareto

# 3,000 CIFAR-like images, split 60/20/20, and the six scikit-learn states trained on them.
started = time.perf_counter()
data = make_cifar_like(3000, seed=3)
splits = train_val_test_split(data, val_size=0.2, test_size=0.2, seed=3)
family = train_sklearn_family(splits, seed=3, progress=False)
print(f"trained {len(family.names)} states in {time.perf_counter() - started:.1f} s on "
      f"{len(splits.train)} images; {len(splits.val)} validation and {len(splits.test)} test "
      f"images")

val_accuracies = family.correct_val.mean(axis=0)  # family.accuracies are the test accuracies
pd.DataFrame({"cost (MFLOPs)": family.costs, "validation accuracy": val_accuracies,
              "test accuracy": family.accuracies}, index=list(family.names)).round(4)

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 3

# %% [markdown]
# ## Question 1 · Implement: the Pareto frontier (3 points, about 15 minutes)
#
# The bounds need states whose accuracy rises with cost (Eq 3). A state is **dominated** when
# another state costs no more and is at least as accurate (and is not the same point): it is never
# worth running, and the bounds refuse it. The frontier is what is left.
#
# Complete `pareto_front(costs, accuracies)`: return the indices of the non-dominated states, as
# an integer array **ordered by cost**. Costs may come in any order. Ties: of two states with the
# same cost the more accurate one wins; of two with the same accuracy the cheaper one wins; of two
# identical states (same cost and accuracy) the first is kept. *Hint:* walk through the states
# from the cheapest, and keep a state only if it beats the best accuracy seen so far.
#
# Then apply it to this family's six states, once with the validation accuracies
# (`val_front`) and once with the test accuracies (`test_front`).

# %% [raw]
# # BEGIN SOLUTION

# %%
def pareto_front(costs, accuracies):
    """Indices of the states that no other state dominates, ordered by cost."""
    costs = np.asarray(costs, dtype=float)
    accuracies = np.asarray(accuracies, dtype=float)
    # BEGIN SOLUTION
    order = np.lexsort((-accuracies, costs))  # cheapest first; at equal cost, most accurate first
    kept, best_so_far = [], -np.inf
    for state in order:  # lexsort is stable: of identical states, the first comes first
        if accuracies[state] > best_so_far:  # beats every state that costs no more
            kept.append(int(state))
            best_so_far = accuracies[state]
    return np.array(kept, dtype=int)
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN SOLUTION

# %%
val_front = pareto_front(family.costs, val_accuracies)  # SOLUTION
test_front = pareto_front(family.costs, family.accuracies)  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("frontier on validation:", val_front)
print("frontier on test:      ", test_front)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q1_worked_example(pareto_front):
    import numpy as np
    assert callable(pareto_front), "pareto_front is not defined: run the cell that defines it."
    costs, accuracies = [1, 2, 3, 4, 5, 6], [0.5, 0.7, 0.6, 0.65, 0.7, 0.8]
    got = pareto_front(costs, accuracies)
    message = "pareto_front returned None: did you forget to return the indices you kept?"
    assert got is not None, message
    got = np.asarray(got)
    message = (
        f"pareto_front should return the indices of the states kept, e.g. np.array([0, 1, 5]); "
        f"you returned a boolean array {got.tolist()}: use np.flatnonzero(mask)."
    )
    assert got.dtype != bool, message
    message = (f"pareto_front should return integer indices, got dtype {got.dtype}: build the "
               "result with np.array(kept, dtype=int).")
    assert np.issubdtype(got.dtype, np.integer), message
    got = got.ravel().tolist()
    hints = {
        (0, 1, 4, 5): "State 4 is exactly as accurate as state 1 (0.7) and costs more: it is "
                      "dominated. Keep a state only if it is MORE accurate than the best so far.",
        (0, 1, 3, 4, 5): "State 3 (0.65) beats its neighbour state 2 (0.6) but not state 1 (0.7), "
                         "which is cheaper: compare with the best accuracy so far, not with the "
                         "previous state.",
        (0, 1, 3, 5): "Compare with the best accuracy so far (0.7, state 1), not with the previous "
                      "state.",
        (0, 1, 2, 3, 4, 5): "You kept every state: drop those a cheaper state matches or beats.",
    }
    message = (
        f"For costs {costs} and accuracies {accuracies} the frontier is [0, 1, 5]: state 2 (0.6), "
        f"state 3 (0.65) and state 4 (0.7) are each matched or beaten by state 1 (0.7), which "
        f"costs less. You returned {got}. " + hints.get(tuple(got), "")
    )
    assert got == [0, 1, 5], message


# %%
def test_q1_unsorted_costs(pareto_front):
    import numpy as np
    assert callable(pareto_front), "pareto_front is not defined: run the cell that defines it."
    costs, accuracies = [5.0, 1.0, 3.0, 2.0], [0.9, 0.5, 0.8, 0.85]
    got = pareto_front(costs, accuracies)
    assert got is not None, "pareto_front returned None: see the first check of question 1."
    got = np.asarray(got).ravel().tolist()
    hints = {
        (0,): "You walked through the states in the order given; walk from the cheapest "
              "(np.argsort(costs)).",
        (0, 1, 3): "Those are the right states, but ordered by index: order them by cost.",
    }
    message = (
        f"For costs {costs} and accuracies {accuracies} (costs not sorted) the frontier, ordered "
        f"by cost, is [1, 3, 0]: 1 (cost 1, 0.5), 3 (cost 2, 0.85), 0 (cost 5, 0.9); state 2 (cost "
        f"3, 0.8) is beaten by state 3, which is cheaper. You returned {got}. "
        + hints.get(tuple(got), "")
    )
    assert got == [1, 3, 0], message


# %%
def test_q1_this_family(family, val_front, test_front):
    import numpy as np
    from adaptlab.family import Family
    from adaptlab.statespace import pareto
    message = "family is not defined: run the cell at the top that trains the six states."
    assert family is not None, message
    message = ("family is not the family trained at the top of the notebook (six states, 600 test "
               "images): run that cell again and do not assign another value to `family`.")
    assert isinstance(family, Family) and family.correct_test.shape == (600, 6), message
    for name, value in [("val_front", val_front), ("test_front", test_front)]:
        message = f"{name} is still the placeholder `...` (or not defined): compute it."
        assert value is not None and value is not ..., message
    names = np.array(family.names)
    for split, value, accuracies in [
            ("validation", val_front, family.correct_val.mean(axis=0)),
            ("test", test_front, family.accuracies)]:
        want = pareto(family.costs, accuracies)
        got = np.asarray(value).ravel()
        hint = ("" if split == "test" or not np.array_equal(got, pareto(family.costs,
                                                                        family.accuracies))
                else "That is the test frontier: use the validation accuracies, val_accuracies.")
        message = (
            f"On {split} the frontier keeps {names[want].tolist()} (indices {want.tolist()}); your "
            f"answer keeps indices {got.tolist()}. {hint}"
        )
        assert got.shape == want.shape and np.array_equal(got, want), message


# %%
# HIDDEN
def test_q1_random_against_the_library(pareto_front):
    import numpy as np
    from adaptlab.statespace import pareto
    assert callable(pareto_front), "pareto_front is not defined."
    rng = np.random.default_rng(4)
    for n_states in [1, 2, 5, 9, 20, 40]:
        for _ in range(5):
            costs = rng.integers(1, 8, n_states) * 0.5  # coarse grids: many ties
            accuracies = rng.integers(0, 10, n_states) / 10
            want = pareto(costs, accuracies)
            got = pareto_front(costs, accuracies)
            assert got is not None, "pareto_front returned None."
            got = np.asarray(got).ravel()
            message = (
                f"For costs {costs.tolist()} and accuracies {accuracies.tolist()} the frontier is "
                f"{want.tolist()}, got {got.tolist()}."
            )
            assert got.shape == want.shape and np.array_equal(got, want), message


# %%
# HIDDEN
def test_q1_edge_cases(pareto_front):
    import numpy as np
    assert callable(pareto_front), "pareto_front is not defined."
    cases = {
        "one state": (([2.0], [0.3]), [0]),
        "identical states: the first is kept": (([1.0, 1.0, 2.0], [0.5, 0.5, 0.7]), [0, 2]),
        "same cost: the more accurate wins": (([1.0, 1.0, 2.0], [0.4, 0.6, 0.7]), [1, 2]),
        "same accuracy everywhere: the cheapest": (([3.0, 1.0, 2.0], [0.5, 0.5, 0.5]), [1]),
        "a dearer state never more accurate": (([1.0, 2.0, 3.0], [0.9, 0.8, 0.7]), [0]),
        "lists of integers": (([1, 2, 3], [0, 1, 1]), [0, 1]),
    }
    for name, ((costs, accuracies), want) in cases.items():
        before = (list(costs), list(accuracies))
        got = pareto_front(costs, accuracies)
        assert got is not None, f"pareto_front returned None ({name})."
        got = np.asarray(got).ravel().tolist()
        message = (f"Case '{name}' (costs {costs}, accuracies {accuracies}): expected {want}, "
                   f"got {got}.")
        assert got == want, message
        assert (list(costs), list(accuracies)) == before, f"the input was changed ({name})."


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# manual: true
# points: 2

# %% [markdown]
# ## Question 2 · Explain: which states were dropped, and why (2 points, about 10 minutes)
#
# Run the cell below (it uses the library, not your answer to question 1), then answer in 4-6
# sentences, quoting the printed numbers:
#
# 1. Which state(s) does the validation frontier drop? For each, name a state that dominates it,
#    with both states' costs and validation accuracies.
# 2. Does the test split agree? Given the size of the test split, how large is the difference
#    that decides it, and how does it compare with the uncertainty of an accuracy measured on
#    that many images?
# 3. Which frontier would you use to choose the states you deploy, and why? Why does the rest of
#    this assignment compute the bounds on the test frontier instead?

# %%
for split, accuracies_on_split in [("validation", val_accuracies), ("test", family.accuracies)]:
    kept = pareto(family.costs, accuracies_on_split)
    dropped = [name for i, name in enumerate(family.names) if i not in kept]
    print(f"{split:>10}: the frontier keeps {len(kept)} of {len(family.names)} states; "
          f"dropped: {', '.join(dropped) or 'none'}")
n_test = len(family.y_test)
print(f"one test image is {1 / n_test:.2%} of the test split; the standard error of an accuracy "
      f"near 0.7 measured on {n_test} images is {np.sqrt(0.7 * 0.3 / n_test):.2%}")

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer** (the numbers are those of the reference run, printed above). On validation the
# frontier drops mlp128-pca32-16x16: it costs more than mlp128-8x8 (0.064 vs 0.055 MFLOPs) and is
# less accurate on validation (0.703 vs 0.712), so mlp128-8x8 dominates it; the test frontier keeps
# all six, because there mlp128-pca32-16x16 is ahead by 0.685 vs 0.683, a single test image
# (0.17% of 600). The standard error of an accuracy near 0.7 on 600 images is about 1.9 points, ten
# times that difference: on these splits the two states are indistinguishable, and which one the
# frontier keeps is decided by noise. The states to deploy must be chosen on validation
# (`family.pareto()`): choosing them on test would use the test split to make a decision and bias
# every number reported on it. The bounds, though, are computed on one split and need accuracies
# that rise with cost on that split (Eq 3); on test, the validation frontier's accuracies need not
# rise (a state kept on validation can be behind a cheaper one on test), so the bounds on test use
# the test frontier, as Lecture 4 does.
#
# **Rubric (2 points).**
# * 1 point: names the dropped state(s) and a dominating state with costs and validation
#   accuracies (cheaper, and at least as accurate); says whether the test frontier agrees.
#   (0.5 if the dominating state or the numbers are missing.)
# * 0.5 point: the deciding difference is about one image (0.17 points), far below the standard
#   error (about 1.9 points): the frontier's edge states are decided by noise.
# * 0.5 point: choose the deployed states on validation (the test split stays unseen); the bounds
#   need rising accuracies on the split they are computed on, hence the test frontier for them.

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION

# %% [markdown]
# ## The test frontier, for questions 3-6
#
# From here on we work with the states on the test frontier, and with their per-image correctness
# on the test split. (The library computes the frontier here, so questions 3-6 do not depend on
# your answer to question 1.)

# %%
kept = pareto(family.costs, family.accuracies)
names = [family.names[i] for i in kept]
front_costs = family.costs[kept]
front_correct = family.correct_test[:, kept]  # one row per test image, one column per state
A_N = front_correct[:, -1].mean()  # the largest state's test accuracy
print("states:", names)
print("costs (MFLOPs):", front_costs)
print("test accuracies:", front_correct.mean(axis=0).round(4))

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 3

# %% [markdown]
# ## Question 3 · Measure: α per state, by counting (3 points, about 15 minutes)
#
# $\alpha_i = P(\text{states } 1..i-1 \text{ all wrong} \mid \text{state } i \text{ wrong})$
# (Eq 6). "States $1..i-1$ all wrong *and* state $i$ wrong" is "states $1..i$ all wrong", so on a
# finite set of images
#
# $$\alpha_i = \frac{\#\{\text{images that states } 1, \dots, i \text{ all get wrong}\}}
#   {\#\{\text{images that state } i \text{ gets wrong}\}}.$$
#
# Measure it on `front_correct`, with one numpy expression per line (no loop needed):
#
# 1. `n_wrong`: for every state, the number of test images it gets wrong (an integer array, one
#    entry per state);
# 2. `n_all_wrong`: for every state $i$, the number of test images that states $1, \dots, i$ all
#    get wrong (entry 0 counts the images state 1 gets wrong). *Hint:*
#    `np.logical_and.accumulate(wrong, axis=1)` is True where a state and every state before it
#    are wrong;
# 3. `alpha_counted`: $\alpha_i$ per state from the two counts, with `np.nan` in entry 0 ($\alpha_1$
#    is not defined);
# 4. `alpha_spread`: the largest minus the smallest of $\alpha_2, \dots, \alpha_N$. The paper's
#    Eq 8 assumes one constant α: is this family close to that?
#
# The cell after yours prints `bounds.alphas(front_correct)` beside your values: they should agree.

# %% [raw]
# # BEGIN SOLUTION

# %%
wrong = ~front_correct  # True where a state gets an image wrong
n_wrong = wrong.sum(axis=0)  # SOLUTION
n_all_wrong = np.logical_and.accumulate(wrong, axis=1).sum(axis=0)  # SOLUTION
alpha_counted = np.concatenate([[np.nan], n_all_wrong[1:] / n_wrong[1:]])  # SOLUTION
alpha_spread = np.nanmax(alpha_counted) - np.nanmin(alpha_counted)  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("n_wrong:      ", n_wrong)
print("n_all_wrong:  ", n_all_wrong)
print("alpha_counted:", alpha_counted)
print("bounds.alphas:", bounds.alphas(front_correct))
print("alpha_spread: ", alpha_spread)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q3_counts(family, n_wrong, n_all_wrong):
    import numpy as np
    from adaptlab.family import Family
    from adaptlab.statespace import pareto
    message = ("family is not the family trained at the top of the notebook (six states, 600 test "
               "images): run that cell again and do not assign another value to `family`.")
    assert isinstance(family, Family) and family.correct_test.shape == (600, 6), message
    states = pareto(family.costs, family.accuracies)
    misses = ~family.correct_test[:, states]
    for name, value in [("n_wrong", n_wrong), ("n_all_wrong", n_all_wrong)]:
        message = f"{name} is still the placeholder `...` (or not defined): count it."
        assert value is not None and value is not ..., message
    got = np.asarray(n_wrong)
    want = misses.sum(axis=0)
    hints = {
        (len(misses),): "You counted per image (axis=1): count per state, down each column "
                        "(axis=0).",
    }
    message = (
        f"n_wrong should hold one count per state on the test frontier, shape {want.shape}; got "
        f"shape {got.shape}. " + hints.get(got.shape, "")
    )
    assert got.shape == want.shape, message
    hint = ("Those are the images each state gets RIGHT: count wrong = ~front_correct."
            if np.array_equal(got, len(misses) - want) else "")
    message = (
        f"n_wrong should be {want.tolist()} (test images each state gets wrong); yours is "
        f"{got.tolist()}. {hint}"
    )
    assert np.array_equal(got, want), message
    got = np.asarray(n_all_wrong)
    want = np.logical_and.accumulate(misses, axis=1).sum(axis=0)
    every = int(misses.all(axis=1).sum())
    pairs = np.concatenate([[want[0]], (misses[:, 1:] & misses[:, :-1]).sum(axis=0)])
    message = (
        f"n_all_wrong should hold one count per state, shape {want.shape}; got shape "
        f"{got.shape}. "
        + ("One number is the count of images ALL states get wrong; count, for each state i, "
           "the images that states 1..i all get wrong." if got.size == 1 else "")
    )
    assert got.shape == want.shape, message
    if np.all(got == every) and not np.all(want == every):
        hint = ("Your count is the same for every state: you counted the images ALL states get "
                "wrong. For state i count those that states 1..i all get wrong "
                "(np.logical_and.accumulate(wrong, axis=1)).")
    elif np.array_equal(got, pairs):
        hint = ("You required only state i - 1 and state i to be wrong; alpha_i needs ALL of "
                "states 1..i wrong.")
    elif np.all(got[1:] >= want[1:]) and np.any(got > want):
        hint = "Some counts are too large: an image counts only if every state up to i is wrong."
    else:
        hint = ""
    message = (
        f"n_all_wrong should be {want.tolist()} (images that states 1..i all get wrong; it can "
        f"only fall as i grows); yours is {got.tolist()}. {hint}"
    )
    assert np.array_equal(got, want), message


# %%
def test_q3_alphas(family, alpha_counted, alpha_spread):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.family import Family
    from adaptlab.statespace import pareto
    message = ("family is not the family trained at the top of the notebook (six states, 600 test "
               "images): run that cell again and do not assign another value to `family`.")
    assert isinstance(family, Family) and family.correct_test.shape == (600, 6), message
    states = pareto(family.costs, family.accuracies)
    matrix = family.correct_test[:, states]
    for name, value in [("alpha_counted", alpha_counted), ("alpha_spread", alpha_spread)]:
        message = f"{name} is still the placeholder `...` (or not defined): compute it."
        assert value is not None and value is not ..., message
    want = bounds.alphas(matrix)
    got = np.asarray(alpha_counted, dtype=float)
    message = f"alpha_counted should have one entry per state, shape {want.shape}; got {got.shape}."
    assert got.shape == want.shape, message
    message = (
        f"Entry 0 of alpha_counted should be NaN: alpha_1 is not defined (state 1 has no smaller "
        f"state). Yours is {got[0]!r}; start with np.nan, e.g. np.concatenate([[np.nan], ...])."
    )
    assert np.isnan(got[0]), message
    misses = ~matrix
    n_wrong = misses.sum(axis=0)
    n_all = np.logical_and.accumulate(misses, axis=1).sum(axis=0)
    if np.nanmax(got) > 1 + 1e-12:
        hint = ("Some of your alphas are above 1, and a probability cannot be: did you divide "
                "n_wrong by n_all_wrong? alpha_i = n_all_wrong[i] / n_wrong[i].")
    elif np.allclose(got[1:], n_all[1:] / len(matrix)):
        hint = ("You divided by the number of test images: that is the joint probability P(e_i). "
                "alpha_i is conditional on state i being wrong: divide by n_wrong[i].")
    elif np.allclose(got[1:], n_all[1:] / n_all[:-1]):
        hint = ("You divided by the images states 1..i-1 all get wrong; alpha_i is conditional "
                "on state i being wrong: divide by n_wrong[i].")
    else:
        hint = ""
    message = (
        f"alpha per state on the test frontier is {np.round(want, 4).tolist()} "
        f"(bounds.alphas); your alpha_counted is {np.round(got, 4).tolist()}. {hint}"
    )
    assert np.allclose(got, want, equal_nan=True), message
    spread = np.nanmax(want) - np.nanmin(want)
    message = (
        f"alpha_spread should be max - min of alpha_2..alpha_N, {spread:.4f}; yours is "
        f"{alpha_spread!r}. " + ("It is NaN: use np.nanmax and np.nanmin, which skip entry 0."
                                 if np.ndim(alpha_spread) == 0 and np.isnan(alpha_spread) else "")
    )
    assert np.ndim(alpha_spread) == 0 and np.isclose(float(alpha_spread), spread), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 2

# %% [markdown]
# ## Question 4 · Measure: the exact oracle and the bound on your states (2 points, about 10 minutes)
#
# On the test frontier (`front_correct`, `front_costs`), measure with the library:
#
# * `oracle_selection` and `oracle_sequential`: the exact oracle's selection cost $R_{oracle}$ and
#   the cost of running it as a cascade (`bounds.oracle`);
# * `bound_cost`: the conservative bound's $R_{oracle}$ (Eq 9, `bounds.conservative`), from the
#   test accuracies of these states;
# * `exact_at_A_N`: the exact oracle's least cost at the accuracy of the largest state, $A_N$
#   (`A_N` in code): the fair comparison with the bound, which sits at $A_N$ (`oracle_frontier`
#   and `cost_at_accuracy`, as in Lecture 4).

# %% [raw]
# # BEGIN SOLUTION

# %%
oracle_selection = bounds.oracle(front_correct, front_costs).selection_cost  # SOLUTION
oracle_sequential = bounds.oracle(front_correct, front_costs).sequential_cost  # SOLUTION
bound_cost = bounds.conservative(front_costs, front_correct.mean(axis=0)).selection_cost  # SOLUTION
reachable = oracle_frontier(front_correct, front_costs)  # SOLUTION
exact_at_A_N = cost_at_accuracy(reachable.cost, reachable.accuracy, target_accuracy=A_N)  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("exact oracle, selection cost (MFLOPs):  ", oracle_selection)
print("exact oracle, sequential cost (MFLOPs): ", oracle_sequential)
print("conservative bound, Eq 9 (MFLOPs):      ", bound_cost)
print("exact oracle at A_N (MFLOPs):           ", exact_at_A_N)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q4_oracle_and_bound(family, oracle_selection, oracle_sequential, bound_cost,
                             exact_at_A_N):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.cascade import oracle_frontier
    from adaptlab.family import Family
    from adaptlab.metrics import cost_at_accuracy
    from adaptlab.statespace import pareto
    message = ("family is not the family trained at the top of the notebook (six states, 600 test "
               "images): run that cell again and do not assign another value to `family`.")
    assert isinstance(family, Family) and family.correct_test.shape == (600, 6), message
    answers = {"oracle_selection": oracle_selection, "oracle_sequential": oracle_sequential,
               "bound_cost": bound_cost, "exact_at_A_N": exact_at_A_N}
    for name, value in answers.items():
        message = f"{name} is still the placeholder `...` (or not defined): measure it."
        assert value is not None and value is not ..., message
        message = f"{name} should be one number (MFLOPs per image), got {value!r}."
        assert np.ndim(value) == 0, message
    states = pareto(family.costs, family.accuracies)
    matrix, prices = family.correct_test[:, states], family.costs[states]
    exact = bounds.oracle(matrix, prices)
    safe = bounds.conservative(prices, matrix.mean(axis=0))
    path = oracle_frontier(matrix, prices)
    A_N = matrix[:, -1].mean()
    want = {"oracle_selection": exact.selection_cost, "oracle_sequential": exact.sequential_cost,
            "bound_cost": safe.selection_cost,
            "exact_at_A_N": cost_at_accuracy(path.cost, path.accuracy, target_accuracy=A_N)}
    hints = {
        "oracle_selection": {exact.sequential_cost: "That is the sequential cost: the selection "
                             "cost pays only the state that answers."},
        "oracle_sequential": {exact.selection_cost: "That is the selection cost: a cascade also "
                              "pays every state it ran before the one that answers."},
        "bound_cost": {safe.sequential_cost: "That is Eq 9's sequential cost; the bound is its "
                       "selection_cost.",
                       prices[-1]: "That is R_N, the largest state alone."},
        "exact_at_A_N": {exact.selection_cost: "That is the oracle at its own accuracy A_oracle, "
                         "above A_N: ask its frontier for the least cost at target_accuracy=A_N.",
                         safe.selection_cost: "That is the bound; the exact oracle's frontier "
                         "reaches A_N for less."},
    }
    for name, expected in want.items():
        value = float(answers[name])
        hint = next((h for v, h in hints[name].items() if np.isclose(value, v)), "")
        message = (f"On the test frontier {name} is {expected:.6g} MFLOPs; yours is "
                   f"{value:.6g}. {hint}")
        assert np.isclose(value, expected, rtol=1e-9, atol=1e-12), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q5
# points: 3

# %% [markdown]
# ## Question 5 · Implement and measure: which state matters most? (3 points, about 20 minutes)
#
# Remove one state (never the largest) and the oracle has fewer choices. Lecture 4 measured what
# that does to $R_{oracle}$, and found a trap: without a state the oracle also loses accuracy, so
# its cost can *fall*. Here you measure the loss fairly, at one accuracy, $A_N$ (the largest state
# stays, so $A_N$ stays reachable), and set beside it what the conservative bound, which needs no
# correctness matrix, would have predicted.
#
# 1. Complete `removal_costs(correct, costs)`. `correct` is an (n, N) correctness matrix of states
#    on a Pareto frontier (accuracies rising with cost), `costs` their costs. Return a pandas
#    DataFrame with one row per state you can remove, $i = 0, \dots, N - 2$ in this order (row
#    `i` is the state `names[i]` when you run it on the test frontier), and two columns:
#    * `exact_at_A_N`: the exact oracle's least cost at $A_N$ on the other $N - 1$ states
#      (`oracle_frontier` and `cost_at_accuracy` on the columns you keep);
#    * `bound`: Eq 9 on the other $N - 1$ states (`bounds.conservative` with their costs and
#      accuracies).
# 2. Run it on the test frontier into `removal`, and set `hurts_most_exact` and `hurts_most_bound`
#    to the **names** of the states whose removal raises `exact_at_A_N`, respectively `bound`, the
#    most (`names` holds the names of the frontier's states).

# %% [raw]
# # BEGIN SOLUTION

# %%
def removal_costs(correct, costs):
    """Per removable state: the exact oracle at A_N and Eq 9 on the other states."""
    correct = np.asarray(correct, dtype=bool)
    costs = np.asarray(costs, dtype=float)
    rows = []
    # BEGIN SOLUTION
    n_states = correct.shape[1]
    target = correct[:, -1].mean()  # A_N: the largest state is never removed
    for removed in range(n_states - 1):
        others = [j for j in range(n_states) if j != removed]
        reduced = oracle_frontier(correct[:, others], costs[others])
        rows.append({
            "exact_at_A_N": cost_at_accuracy(reduced.cost, reduced.accuracy,
                                             target_accuracy=target),
            "bound": bounds.conservative(costs[others],
                                         correct[:, others].mean(axis=0)).selection_cost,
        })
    # END SOLUTION
    return pd.DataFrame(rows)


# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN SOLUTION

# %%
removal = removal_costs(front_correct, front_costs)  # SOLUTION
hurts_most_exact = names[int(removal["exact_at_A_N"].idxmax())]  # SOLUTION
hurts_most_bound = names[int(removal["bound"].idxmax())]  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print(removal)
print("its removal hurts the exact oracle most:", hurts_most_exact)
print("its removal hurts the bound most:       ", hurts_most_bound)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q5_worked_example(removal_costs):
    import numpy as np
    import pandas as pd
    assert callable(removal_costs), "removal_costs is not defined: run the cell that defines it."
    # Ten images, four states on a frontier (accuracies 0.3, 0.4, 0.5, 0.6), costs 1, 2, 4, 10.
    correct = np.array([[1, 1, 1, 1], [1, 0, 1, 1], [0, 1, 1, 1], [0, 1, 0, 1], [0, 0, 1, 1],
                        [1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]],
                       dtype=bool)
    costs = np.array([1.0, 2.0, 4.0, 10.0])
    got = removal_costs(correct, costs)
    message = f"removal_costs should return a pandas DataFrame (pd.DataFrame(rows)), got {got!r}."
    assert isinstance(got, pd.DataFrame), message
    missing = [c for c in ("exact_at_A_N", "bound") if c not in got.columns]
    message = (
        f"removal_costs's table has no column {missing} (it has {list(got.columns)}): append one "
        "dict per removed state with the keys 'exact_at_A_N' and 'bound'."
    )
    assert not missing, message
    message = (
        f"With 4 states you can remove 3 (never the largest, which sets A_N): 3 rows, got "
        f"{len(got)}. " + ("Stop before the last state: range(n_states - 1)." if len(got) == 4
                           else "")
    )
    assert len(got) == 3, message
    exact = got["exact_at_A_N"].to_numpy(dtype=float)
    hints = {
        (3.4, 3.7, 3.1): "Those are R_oracle at each reduced oracle's own accuracy, 0.8, not at "
                         "A_N = 0.6: compare at the same accuracy, "
                         "cost_at_accuracy(..., target_accuracy=A_N).",
        (1.3, 1.3, 1.3): "That is the full family's cost at A_N each time: did you remove the "
                         "state's column from correct and costs?",
    }
    message = (
        "On this 10x4 example the full oracle reaches A_N = 0.6 for 1.3 GFLOPs; without state 0, "
        "1 or 2 its least cost at A_N is [2.4, 1.9, 1.3]. Your exact_at_A_N is "
        f"{np.round(exact, 6).tolist()}. "
        + next((h for v, h in hints.items() if np.allclose(exact, v)), "")
    )
    assert np.allclose(exact, [2.4, 1.9, 1.3]), message
    bound = got["bound"].to_numpy(dtype=float)
    hints = {
        (3.8, 3.2, 3.6): "Those are Eq 9's sequential costs; the bound is its selection_cost.",
        (2.3, 2.3, 2.3): "That is Eq 9 on all four states each time: drop the removed state from "
                         "both the costs and the accuracies.",
    }
    message = (
        "On this example Eq 9 on the other three states is [3.0, 2.5, 2.9] GFLOPs (all four: 2.3); "
        f"your bound column is {np.round(bound, 6).tolist()}. "
        + next((h for v, h in hints.items() if np.allclose(bound, v)), "")
    )
    assert np.allclose(bound, [3.0, 2.5, 2.9]), message


# %%
def test_q5_this_family(family, removal, hurts_most_exact, hurts_most_bound):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.cascade import oracle_frontier
    from adaptlab.family import Family
    from adaptlab.metrics import cost_at_accuracy
    from adaptlab.statespace import pareto
    message = ("family is not the family trained at the top of the notebook (six states, 600 test "
               "images): run that cell again and do not assign another value to `family`.")
    assert isinstance(family, Family) and family.correct_test.shape == (600, 6), message
    for name, value in [("removal", removal), ("hurts_most_exact", hurts_most_exact),
                        ("hurts_most_bound", hurts_most_bound)]:
        message = f"{name} is still the placeholder `...` (or not defined): compute it."
        assert value is not None and value is not ..., message
    states = pareto(family.costs, family.accuracies)
    matrix, prices = family.correct_test[:, states], family.costs[states]
    labels = [family.names[i] for i in states]
    A_N = matrix[:, -1].mean()
    exact, bound = [], []
    for i in range(len(states) - 1):
        rest = [j for j in range(len(states)) if j != i]
        path = oracle_frontier(matrix[:, rest], prices[rest])
        exact.append(cost_at_accuracy(path.cost, path.accuracy, target_accuracy=A_N))
        bound.append(bounds.conservative(prices[rest], matrix[:, rest].mean(axis=0)).selection_cost)
    got = removal["exact_at_A_N"].to_numpy(dtype=float)
    message = (
        f"On the test frontier, removing each of {labels[:-1]} in turn, the exact oracle's least "
        f"cost at A_N is {np.round(exact, 6).tolist()} MFLOPs; your removal table says "
        f"{np.round(got, 6).tolist()}. Run the check on the worked example first."
    )
    assert got.shape == (len(exact),) and np.allclose(got, exact), message
    for name, value, column in [("hurts_most_exact", hurts_most_exact, exact),
                                ("hurts_most_bound", hurts_most_bound, bound)]:
        want = labels[int(np.argmax(column))]
        hint = ""
        if value in labels and labels.index(value) == int(np.argmin(column)):
            hint = "That removal hurts the least: take the largest cost (idxmax)."
        elif not isinstance(value, str):
            hint = "Give the state's name (names[index]), not its index."
        message = f"{name} should be {want!r}; yours is {value!r}. {hint}"
        assert value == want, message


# %%
# HIDDEN
def test_q5_random_frontiers(removal_costs):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.cascade import oracle_frontier
    from adaptlab.metrics import cost_at_accuracy
    from adaptlab.simulate import correlated_models
    assert callable(removal_costs), "removal_costs is not defined."
    for seed, (n_states, correlation) in enumerate([(2, 0.5), (3, 0.2), (5, 0.8), (7, 0.6)],
                                                   start=50):
        rng = np.random.default_rng(seed)
        accuracies = np.sort(rng.choice(np.arange(20, 95), n_states, replace=False)) / 100
        costs = np.sort(rng.choice(np.arange(1, 500), n_states, replace=False)) / 10
        matrix = correlated_models(accuracies, n_instances=400, correlation=correlation,
                                   seed=seed).correct
        A_N = matrix[:, -1].mean()
        exact, bound = [], []
        for i in range(n_states - 1):
            rest = [j for j in range(n_states) if j != i]
            path = oracle_frontier(matrix[:, rest], costs[rest])
            exact.append(cost_at_accuracy(path.cost, path.accuracy, target_accuracy=A_N))
            bound.append(bounds.conservative(costs[rest],
                                             matrix[:, rest].mean(axis=0)).selection_cost)
        before = matrix.copy()
        got = removal_costs(matrix, costs)
        message = (
            f"On a random {n_states}-state frontier (seed {seed}): expected exact_at_A_N "
            f"{np.round(exact, 6).tolist()} and bound {np.round(bound, 6).tolist()}, got "
            f"{got!r}."
        )
        assert len(got) == n_states - 1, message
        assert np.allclose(got["exact_at_A_N"].to_numpy(dtype=float), exact), message
        assert np.allclose(got["bound"].to_numpy(dtype=float), bound), message
        assert np.array_equal(matrix, before), "removal_costs changed the matrix it was given."


# %%
# HIDDEN
def test_q5_two_states_and_int_input(removal_costs):
    import numpy as np
    assert callable(removal_costs), "removal_costs is not defined."
    correct = np.array([[1, 1], [0, 1], [1, 0], [0, 1], [0, 0]])  # 0/1 ints; A = 0.4, 0.6
    got = removal_costs(correct, [1, 5])
    message = (
        f"Two states, costs [1, 5]: removing state 0 leaves the largest alone, so both columns "
        f"are R_N = 5 (one row); got {got!r}."
    )
    assert len(got) == 1, message
    assert np.isclose(float(got["exact_at_A_N"].iloc[0]), 5.0), message
    assert np.isclose(float(got["bound"].iloc[0]), 5.0), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q6
# manual: true
# points: 2

# %% [markdown]
# ## Question 6 · Explain: what the gap says about the errors (2 points, about 10 minutes)
#
# Run the cell below (it uses the library), then answer in 4-6 sentences, quoting the printed
# numbers and what your cells of questions 3-5 printed:
#
# 1. At $A_N$, how far below the conservative bound is the exact oracle (question 4)? What does
#    that say about how this family's errors overlap, and which measured quantity tells you the
#    same?
# 2. The exact oracle also reaches an accuracy above $A_N$. Which images make that gain, and how
#    does Eq 7 predict its size from $\alpha_N$?
# 3. Does the bound, which needs no correctness matrix, rank the removals of question 5 like the
#    exact oracle does? What does that mean for someone choosing states from published figures
#    alone?

# %%
A_oracle = front_correct.any(axis=1).mean()  # the share of images some state gets right
alpha_N = bounds.alphas(front_correct)[-1]
rescued = np.mean(~front_correct[:, -1] & front_correct[:, :-1].any(axis=1))
print(f"A_N = {A_N:.4f}; the exact oracle's own accuracy A_oracle = {A_oracle:.4f} "
      f"({100 * (A_oracle - A_N):+.1f} points)")
print(f"alpha_N = {alpha_N:.3f}; (1 - alpha_N)(1 - A_N) = {(1 - alpha_N) * (1 - A_N):.4f}")
print(f"images the largest state gets wrong and a smaller state right: {rescued:.4f}")

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer** (numbers of the reference run). At $A_N = 0.72$ the exact oracle pays about
# 0.0087 MFLOPs where the bound says 0.0180: the bound is about 2.1 times the truth. The bound
# assumes nested errors ($\alpha = 1$: every error of a larger state is an error of every smaller
# one); a gap this large means the errors are far from nested: smaller states are right on many
# images that larger ones get wrong, so the oracle reaches $A_N$ with cheap states. The measured
# α's say the same: they are all below 1 and fall with the state index, from about 0.93 to
# 0.625 (question 3). The oracle's accuracy gain, about 10.5 points (0.825 vs 0.72), is made by the
# images that the largest state gets wrong and some smaller state gets right; Eq 7 gives
# $A_{oracle} - A_N = (1 - \alpha_N)(1 - A_N)$, and the two printed numbers agree exactly. The
# bound cannot see this gain at all. For the removals, the bound and the exact oracle agree on
# which state matters most (logistic-8x8), but not on the order of the others: the bound ranks
# rff500-8x8 as the least useful state, while the exact oracle finds that mlp128-pca32-16x16 can
# go at no cost at $A_N$. Published figures alone can tell you roughly which states matter, but
# the finer choices depend on how errors overlap, which only a correctness matrix (on validation)
# shows.
#
# **Rubric (2 points).**
# * 1 point: the exact oracle at $A_N$ is well below the bound (quotes the ratio, about 2);
#   this means errors are far from nested / $\alpha < 1$, smaller states fix errors of larger ones;
#   links to the measured α's. (0.5 without the link to α or without numbers.)
# * 0.5 point: the accuracy gain comes from images the largest state misses and a smaller state
#   gets right, equal to $(1 - \alpha_N)(1 - A_N)$ (quotes about 0.10).
# * 0.5 point: compares the two rankings of question 5 (same state first, different order
#   after), and concludes that the bound guides but a correctness matrix decides the details.

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION

# %% [markdown]
# ## Before you submit
#
# Restart the kernel and run all cells (*Kernel → Restart Kernel and Run All Cells*), check that
# every `grader.check` passes, and that your answers to questions 2 and 6 quote the numbers your
# notebook printed. Then submit this `.ipynb` file.
#
# *Reference:* S. Hor, Y. Qian, M. Pilanci, A. Arbabian, *Adaptive Inference: Theoretical Limits and
# Unexplored Opportunities* (Eq 3-9, Section 3.3, Fig 2 and Fig 4).
