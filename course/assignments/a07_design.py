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
# name: a07_design
# init_cell: true
# check_all_cell: true
# export_cell: false
# tests:
#   files: false
#   ok_format: false
# generate: true

# %% [markdown]
# # Assignment 7 · Designing the state space
#
# In Lecture 7 you derived the paper's design formulas (Eq 10-13) and tested its headline figures
# on 1,543 published ImageNet models. Here you implement the formulas yourself, find the slip in
# Eq 11 by computing it, search for the best k states by brute force, and measure how much the
# top of a published envelope rules the bound. Nothing is trained: every question runs in well
# under a second.
#
# | question | skill | points |
# |---|---|---|
# | 1 · the dynamic range, Eq 10 from Eq 9 | derive and implement | 2 |
# | 2 · how cheap must the smallest state be? Eq 11 | implement and find (the $R_2$ correction) | 3 |
# | 3 · what each state saves, Eq 12 | implement and measure | 2 |
# | 4 · the best k states, by brute force | implement | 3 |
# | 5 · who rules the bound? | measure (sensitivity on 1,543 models) | 3 |
# | 6 · what a published R_ratio hides | explain (graded by hand) | 2 |
# | **total** | 13 checked automatically, 2 by hand | **15** |
#
# *Estimated time:* 60-75 minutes. *Prerequisites:* Lectures 3 and 7 (Eq 9-13, exit shares);
# numpy, `itertools.combinations`, a little pandas.
#
# **How the checks work.** After each answer, run the `grader.check("q1")` cell below it. A failing
# check says what it expected and gives a hint; fix your answer and run both cells again. A passing
# check means your answer is right on the cases shown to you. When the assignment is graded, more
# cases are checked (random state spaces, one or two states, integer inputs, ...): test your
# functions on your own cases too. Question 6 is read and graded by hand.
#
# **Rules.** In questions 1-4 write the formulas with numpy (and `itertools`); you may call
# `bounds.conservative` (Eq 9) wherever a question says so, but not the library's own version of
# the formula you are asked for. In question 5 use the library freely.
#
# **Notation** (as in Lecture 7; the paper numbers states from 1, Python from 0: $R_1$ is `R[0]`,
# $R_N$ is `R[-1]`)
#
# | symbol | meaning | in code |
# |---|---|---|
# | $N$ | number of states, ordered by ascending cost | `len(costs)` |
# | $R_i$, $A_i$ | cost and accuracy of state $i$ | `costs[i - 1]`, `accuracies[i - 1]` |
# | $s_i$ | share of instances the α = 1 oracle answers with state $i$ | `bounds.conservative(...).exit_share` |
# | $R_{oracle}$ | the conservative (α = 1) oracle's cost, Eq 9 | `bounds.conservative(costs, accuracies).selection_cost` |
# | $R_{ratio}$ | $R_N / R_{oracle}$ | `.r_ratio` |
# | $C$ | number of classes | `n_classes` |

# %%
import itertools

import numpy as np
import pandas as pd

from adaptlab import bounds
from adaptlab.published import family_state_space, timm_state_space

# The worked example of questions 1-3: three states, costs in GFLOPs.
example_costs = np.array([1.0, 4.0, 20.0])
example_accuracies = np.array([0.6, 0.7, 0.8])

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 2

# %% [markdown]
# ## Question 1 · Derive and implement: the dynamic range, Eq 10 (2 points, about 10 minutes)
#
# Eq 9, the conservative bound, is
# $R_{oracle} = R_1 + \sum_{i=2}^{N} (R_i - R_1)(A_i - A_{i-1})$, $A_{oracle} = A_N$.
# Write it for a state space of only the smallest and the largest state (on paper: it is Eq 10),
# then complete `two_state_cost(costs, accuracies)`: the conservative $R_{oracle}$ of the two-state
# space made of the **first and the last** state of `costs`, whatever the states in between.
# With a single state, the cost is that state's.

# %% [raw]
# # BEGIN SOLUTION

# %%
def two_state_cost(costs, accuracies):
    """R_oracle of Eq 10: Eq 9 on the smallest and the largest state only."""
    R = np.asarray(costs, dtype=float)
    A = np.asarray(accuracies, dtype=float)
    return R[0] + (A[-1] - A[0]) * (R[-1] - R[0])  # SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print(two_state_cost(example_costs, example_accuracies))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q1_worked_example(two_state_cost):
    import numpy as np
    assert callable(two_state_cost), "two_state_cost is not defined: run the cell that defines it."
    costs, accuracies = [1.0, 4.0, 20.0], [0.6, 0.7, 0.8]
    got = two_state_cost(np.array(costs), np.array(accuracies))
    message = "two_state_cost returned nothing: replace `...` by `return` and your formula."
    assert got is not None and got is not ..., message
    message = f"two_state_cost should return one number, got {got!r}."
    assert np.ndim(got) == 0, message
    hints = {
        5.0: "You charged R_N on top of R_1: an instance sent to state N pays R_N instead of "
             "R_1, so the extra cost is R_N - R_1.",
        8.6: "1 - A_1 is the share state 1 gets wrong; with alpha = 1 only A_N - A_1 of them "
             "are right in state N (the others are wrong everywhere and stay on state 1).",
        1.3: "You used state 2: Eq 10 uses the smallest and the LARGEST state, R[-1] and A[-1].",
        3.8: "You left out R_1: every instance pays the smallest state.",
        1.6: "You used R_2 where Eq 10 has R_N: the largest state's cost is R[-1].",
        2.9: "You used A_2 where Eq 10 has A_N: the largest state's accuracy is A[-1].",
    }
    message = (
        f"For costs {costs} and accuracies {accuracies} Eq 10 gives 1 + (0.8 - 0.6)(20 - 1) = 4.8 "
        f"GFLOPs: every instance pays R_1 = 1, and the share A_N - A_1 = 0.2 pays R_N - R_1 = 19 "
        f"more. You returned {float(got):.4g}. "
        + next((h for v, h in hints.items() if np.isclose(float(got), v)), "")
    )
    assert np.isclose(float(got), 4.8), message


# %%
def test_q1_efficientnet(two_state_cost):
    import numpy as np
    from adaptlab.published import family_state_space
    assert callable(two_state_cost), "two_state_cost is not defined: run the cell that defines it."
    space = family_state_space("EfficientNet")
    want = space.two_state().selection_cost
    got = two_state_cost(space.costs, space.accuracies)
    assert got is not None and got is not ..., "two_state_cost returned nothing."
    message = (
        f"On the eight published EfficientNets (B0 {space.costs[0]} GFLOPs, B7 {space.costs[-1]} "
        f"GFLOPs) Eq 10 gives {want:.4f} GFLOPs; you returned {float(got):.4f}. Use only the "
        "first and the last state, whatever is in between."
    )
    assert np.isclose(float(got), want), message


# %%
# HIDDEN
def test_q1_random_against_the_library(two_state_cost):
    import numpy as np
    from adaptlab import bounds
    assert callable(two_state_cost), "two_state_cost is not defined."
    rng = np.random.default_rng(7)
    for n_states in [2, 3, 5, 12]:
        for _ in range(5):
            costs = np.sort(rng.uniform(0.1, 100, n_states))
            accuracies = np.sort(rng.uniform(0.1, 0.99, n_states))
            want = bounds.two_state(costs, accuracies).selection_cost
            got = two_state_cost(costs, accuracies)
            message = (f"For costs {costs.round(3).tolist()} and accuracies "
                       f"{accuracies.round(3).tolist()} Eq 10 gives {want:.6g}, got {got!r}.")
            assert got is not None and np.isclose(float(got), want), message


# %%
# HIDDEN
def test_q1_edge_cases(two_state_cost):
    import numpy as np
    assert callable(two_state_cost), "two_state_cost is not defined."
    cases = {
        "one state: its own cost": (([3.0], [0.7]), 3.0),
        "lists of integers": (([1, 11], [0, 1]), 11.0),
        "equal accuracies: never escalate": (([2.0, 9.0], [0.5, 0.5]), 2.0),
        "free smallest state": (([0.0, 10.0], [0.5, 0.9]), 4.0),
    }
    for name, ((costs, accuracies), want) in cases.items():
        before = (list(costs), list(accuracies))
        got = two_state_cost(costs, accuracies)
        message = f"Case '{name}' (costs {costs}, accuracies {accuracies}): expected {want}, got {got!r}."
        assert got is not None and np.isclose(float(got), want), message
        assert (list(costs), list(accuracies)) == before, f"the input was changed ({name})."


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# ## Question 2 · Implement and find: how cheap must the smallest state be? Eq 11 (3 points, about 15 minutes)
#
# The smallest state is worth its cost only if Eq 9 is cheaper with it than with a **free random
# guesser** in its place: cost $R_1' = 0$, accuracy $A_1' = 1/C$, every other state unchanged.
#
# 1. Complete `random_first_cost(costs, accuracies, n_classes)`: Eq 9's $R'_{oracle}$ on the space
#    whose first state is replaced by the guesser. You may call `bounds.conservative`.
# 2. Complete `smallest_state_limit(costs, accuracies, n_classes)`: the largest $R_1$ for which
#    the real smallest state is still worth it, i.e. the $R_1$ at which Eq 9 with the real state 1
#    costs exactly $R'_{oracle}$.
#
# The paper gives two answers. Its main text prints
# $R_1 < \frac{A_1 - 1/C}{1 - A_N + A_1} R_N$; its appendix ends the same proof with $R_2$ in place
# of $R_N$. **Do not take either on trust: find out which one is the break-even point.** The
# locked cell below the answer cell defines `eq9_with_first_cost(r1, costs, accuracies)`, Eq 9
# with the first state's cost set to `r1`: at `r1 = smallest_state_limit(...)` it must equal
# `random_first_cost(...)`. Try both versions in a cell of your own before you choose.

# %% [raw]
# # BEGIN SOLUTION

# %%
def random_first_cost(costs, accuracies, n_classes):
    """R'_oracle: Eq 9 with the first state replaced by a free guess, right 1 / C of the time."""
    R = np.asarray(costs, dtype=float)
    A = np.asarray(accuracies, dtype=float)
    # BEGIN SOLUTION
    guess_costs = np.concatenate([[0.0], R[1:]])
    guess_accuracies = np.concatenate([[1.0 / n_classes], A[1:]])
    return bounds.conservative(guess_costs, guess_accuracies).selection_cost
    # END SOLUTION


def smallest_state_limit(costs, accuracies, n_classes):
    """The largest R_1 that still beats a free random guess (Eq 11)."""
    R = np.asarray(costs, dtype=float)
    A = np.asarray(accuracies, dtype=float)
    # BEGIN SOLUTION
    fraction = (A[0] - 1.0 / n_classes) / (1.0 - A[-1] + A[0])
    return fraction * R[1]  # R_2, as the appendix's derivation gives: not R_N
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
def eq9_with_first_cost(r1, costs, accuracies):
    """Eq 9 with the first state's cost replaced by r1 (a number; the other states unchanged)."""
    changed = np.array(costs, dtype=float)
    changed[0] = r1
    return float(changed[0] * (1 - accuracies[-1] + accuracies[0])
                 + np.sum(changed[1:] * np.diff(accuracies)))


print("R'_oracle with the guesser:", random_first_cost(example_costs, example_accuracies, 10))
print("your limit on R_1:         ", smallest_state_limit(example_costs, example_accuracies, 10))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q2_random_first_cost(random_first_cost):
    import numpy as np
    assert callable(random_first_cost), "random_first_cost is not defined: run its cell."
    costs, accuracies = np.array([1.0, 4.0, 20.0]), np.array([0.6, 0.7, 0.8])
    got = random_first_cost(costs, accuracies, 10)
    message = "random_first_cost returned None: did you forget the `return` line?"
    assert got is not None and got is not ..., message
    hints = {
        2.4: "You kept A_1 = 0.6 for the guesser: a random guess among C = 10 classes is right "
             "1/C = 0.1 of the time.",
        4.7: "You kept R_1 = 1 for the guesser: it is free, R_1' = 0.",
        14.0: "You dropped the states in between: only state 1 is replaced, the others stay.",
    }
    message = (
        f"For costs {costs.tolist()}, accuracies {accuracies.tolist()} and C = 10, Eq 9 on the "
        f"space (0, 0.1), (4, 0.7), (20, 0.8) gives 0 + 4(0.7 - 0.1) + 20(0.8 - 0.7) = 4.4 "
        f"GFLOPs. You returned {float(got):.4g}. "
        + next((h for v, h in hints.items() if np.isclose(float(got), v)), "")
    )
    assert np.isclose(float(got), 4.4), message
    message = "random_first_cost changed its input arrays: work on copies."
    assert costs.tolist() == [1.0, 4.0, 20.0] and accuracies.tolist() == [0.6, 0.7, 0.8], message


# %%
def test_q2_limit_is_the_break_even_point(smallest_state_limit):
    import numpy as np
    assert callable(smallest_state_limit), "smallest_state_limit is not defined: run its cell."
    costs, accuracies = np.array([1.0, 4.0, 20.0]), np.array([0.6, 0.7, 0.8])
    got = smallest_state_limit(costs, accuracies, 10)
    message = "smallest_state_limit returned None: did you forget the `return` line?"
    assert got is not None and got is not ..., message
    got = float(got)
    at_limit = got * (1 - 0.8 + 0.6) + 4 * 0.1 + 20 * 0.1  # Eq 9 with R_1 = your limit
    hints = {
        12.5: "That is the main text's Eq 11, with R_N. Check it: at R_1 = 12.5 Eq 9 costs "
              "12.4 GFLOPs, not the guesser's 4.4 (and 12.5 is dearer than state 2 itself). "
              "Follow the derivation: which state catches the instances the guesser gets wrong?",
        3.0: "You left out the chance term 1/C: the guesser is right 1/C of the time for free.",
        5.0: "The denominator is 1 - A_N + A_1, the share the first state answers, not 1 - A_1.",
        10.0: "The denominator is 1 - A_N + A_1, the share the first state answers, not A_N - A_1.",
    }
    message = (
        f"For costs [1, 4, 20], accuracies [0.6, 0.7, 0.8] and C = 10 the break-even R_1 is 2.5 "
        f"GFLOPs: there Eq 9 costs 2.5(1 - 0.8 + 0.6) + 4(0.1) + 20(0.1) = 4.4, as with the free "
        f"guesser. Your limit is {got:.4g}, where Eq 9 costs {at_limit:.4g}. "
        + next((h for v, h in hints.items() if np.isclose(got, v)), "")
    )
    assert np.isclose(got, 2.5), message


# %%
# HIDDEN
def test_q2_random_against_the_library(random_first_cost, smallest_state_limit):
    import numpy as np
    from adaptlab import bounds
    assert callable(random_first_cost) and callable(smallest_state_limit), "not defined."
    rng = np.random.default_rng(11)
    for n_states in [2, 3, 6, 15]:
        for n_classes in [2, 10, 1000]:
            costs = np.sort(rng.uniform(0.1, 50, n_states))
            accuracies = np.sort(rng.uniform(0.55, 0.99, n_states))
            want = bounds.smallest_state_limit(costs, accuracies, n_classes)
            got = smallest_state_limit(costs, accuracies, n_classes)
            message = (f"costs {costs.round(3).tolist()}, accuracies {accuracies.round(3).tolist()}, "
                       f"C = {n_classes}: the limit is {want:.6g}, got {got!r}.")
            assert got is not None and np.isclose(float(got), want), message
            guess = bounds.conservative(np.r_[0.0, costs[1:]], np.r_[1 / n_classes, accuracies[1:]])
            got = random_first_cost(costs, accuracies, n_classes)
            message = (f"costs {costs.round(3).tolist()}, accuracies {accuracies.round(3).tolist()}, "
                       f"C = {n_classes}: R'_oracle is {guess.selection_cost:.6g}, got {got!r}.")
            assert got is not None and np.isclose(float(got), guess.selection_cost), message


# %%
# HIDDEN
def test_q2_edge_cases(smallest_state_limit):
    import numpy as np
    assert callable(smallest_state_limit), "smallest_state_limit is not defined."
    cases = {
        "two states": (([1, 3], [0.5, 0.75], 2), 0.0),
        "below chance: a negative limit": (([1.0, 2.0], [0.05, 0.5], 10), (0.05 - 0.1) / 0.55 * 2),
        "a perfect largest state": (([1.0, 5.0, 9.0], [0.6, 0.8, 1.0], 4), 0.35 / 0.6 * 5),
    }
    for name, ((costs, accuracies, n_classes), want) in cases.items():
        got = smallest_state_limit(costs, accuracies, n_classes)
        message = f"Case '{name}': expected {want:.6g}, got {got!r}."
        assert got is not None and np.isclose(float(got), want), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 2

# %% [markdown]
# ## Question 3 · Implement and measure: what each state saves, Eq 12 (2 points, about 10 minutes)
#
# Eq 12 writes Eq 9 as the two-state cost of question 1 minus one saving per state $i = 2..N$:
#
# $$R_{oracle} = R_1 + (A_N - A_1)(R_N - R_1) - \sum_{i=2}^{N}(A_i - A_{i-1})(R_N - R_i).$$
#
# 1. Complete `granularity_savings(costs, accuracies)`: the array of the $N - 1$ savings
#    $(A_i - A_{i-1})(R_N - R_i)$, for $i = 2, \dots, N$ in that order.
# 2. On the eight published EfficientNets (`effnet`, below), set `most_saving_state` to the
#    **name** of the state that saves the most.

# %%
effnet = family_state_space("EfficientNet")
effnet.to_frame()

# %% [raw]
# # BEGIN SOLUTION

# %%
def granularity_savings(costs, accuracies):
    """(A_i - A_{i-1})(R_N - R_i) for i = 2..N (Eq 12)."""
    R = np.asarray(costs, dtype=float)
    A = np.asarray(accuracies, dtype=float)
    return np.diff(A) * (R[-1] - R[1:])  # SOLUTION


effnet_savings = granularity_savings(effnet.costs, effnet.accuracies)  # SOLUTION
most_saving_state = effnet.names[1 + int(np.argmax(effnet_savings))]  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print(granularity_savings(example_costs, example_accuracies))
print(most_saving_state)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q3_worked_example(granularity_savings):
    import numpy as np
    assert callable(granularity_savings), "granularity_savings is not defined: run its cell."
    costs, accuracies = [1.0, 2.0, 5.0, 20.0], [0.5, 0.6, 0.75, 0.8]
    got = granularity_savings(np.array(costs), np.array(accuracies))
    message = "granularity_savings returned None: did you forget the `return` line?"
    assert got is not None and got is not ..., message
    got = np.atleast_1d(np.asarray(got, dtype=float))
    message = (f"granularity_savings should return N - 1 = 3 savings, one per state i = 2..N; "
               f"you returned {got.round(4).tolist()}. "
               + ("That is their sum: return the array." if got.size == 1 else ""))
    assert got.shape == (3,), message
    hints = {
        (1.9, 2.7, 0.75): "You used R_N - R_{i-1}: state i saves what its own instances no longer "
                          "pay for state N, R_N - R_i.",
        (0.1, 0.6, 0.95): "Those are Eq 9's terms (R_i - R_1)(A_i - A_{i-1}), what each state "
                          "COSTS; the saving is (A_i - A_{i-1})(R_N - R_i).",
        (-1.8, -2.25, 0.0): "Check the sign: R_N - R_i is never negative.",
    }
    message = (
        f"For costs {costs} and accuracies {accuracies} the savings are [1.8, 2.25, 0.0]: "
        f"0.1(20 - 2), 0.15(20 - 5), 0.05(20 - 20). You returned {got.round(4).tolist()}. "
        + next((h for v, h in hints.items() if np.allclose(got, v)), "")
    )
    assert np.allclose(got, [1.8, 2.25, 0.0]), message


# %%
def test_q3_most_saving_state(most_saving_state):
    import numpy as np
    from adaptlab.published import family_state_space
    space = family_state_space("EfficientNet")
    savings = space.granularity().savings
    want = space.names[1 + int(np.argmax(savings))]
    message = "most_saving_state is still the placeholder `...` (or not defined): set it."
    assert most_saving_state is not None and most_saving_state is not ..., message
    cost_terms = (space.costs[1:] - space.costs[0]) * np.diff(space.accuracies)
    hints = {
        space.names[1 + int(np.argmin(savings))]: "That state saves the LEAST.",
        space.names[1 + int(np.argmax(cost_terms))]: "That state has the largest Eq 9 term "
                                                     "(R_i - R_1)(A_i - A_{i-1}): what it costs "
                                                     "the oracle, not what it saves.",
        space.names[int(np.argmax(savings))]: "Off by one: saving j of the array belongs to "
                                              "state j + 2 in the paper, effnet.names[j + 1].",
    }
    message = (
        f"most_saving_state should be the name of a state, e.g. {space.names[0]!r}; you set "
        f"{most_saving_state!r}."
    )
    assert isinstance(most_saving_state, str), message
    message = (
        f"The EfficientNet that saves the most is not {most_saving_state!r}. "
        + hints.get(most_saving_state, "Compute the savings with your function and take the "
                                       "largest.")
    )
    assert most_saving_state == want, message


# %%
# HIDDEN
def test_q3_random_against_the_library(granularity_savings):
    import numpy as np
    from adaptlab import bounds
    assert callable(granularity_savings), "granularity_savings is not defined."
    rng = np.random.default_rng(5)
    for n_states in [1, 2, 4, 9, 30]:
        costs = np.sort(rng.uniform(0.1, 100, n_states))
        accuracies = np.sort(rng.uniform(0.1, 0.99, n_states))
        want = bounds.granularity(costs, accuracies).savings
        got = granularity_savings(costs, accuracies)
        assert got is not None, "granularity_savings returned None."
        got = np.asarray(got, dtype=float).ravel()
        message = (f"For {n_states} states (costs {costs.round(3).tolist()}) the savings are "
                   f"{want.round(6).tolist()}, got {got.round(6).tolist()}.")
        assert got.shape == want.shape and np.allclose(got, want), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 3

# %% [markdown]
# ## Question 4 · Implement: the best k states, by brute force (3 points, about 15 minutes)
#
# Complete `best_subset_brute(costs, accuracies, k)`: the indices of the k states whose
# conservative oracle (Eq 9, `bounds.conservative`) is cheapest, as an ascending integer array.
# Only subsets that **keep the largest state** compete: they all reach the same accuracy $A_N$,
# so their costs compare. Try every such subset with `itertools.combinations`. (The library finds
# the same subset by dynamic programming, `space.best_subset(k)`; here you check it the slow way.)

# %% [raw]
# # BEGIN SOLUTION

# %%
def best_subset_brute(costs, accuracies, k):
    """Indices of the k states (the last one among them) with the cheapest Eq 9 oracle."""
    R = np.asarray(costs, dtype=float)
    A = np.asarray(accuracies, dtype=float)
    last = len(R) - 1
    # BEGIN SOLUTION
    best, best_cost = None, np.inf
    for rest in itertools.combinations(range(last), k - 1):
        states = list(rest) + [last]
        cost = bounds.conservative(R[states], A[states]).selection_cost
        if cost < best_cost:
            best, best_cost = states, cost
    return np.array(best, dtype=int)
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print(best_subset_brute([1, 2, 10, 100], [0.5, 0.6, 0.8, 0.9], 2))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q4_worked_example(best_subset_brute):
    import numpy as np
    assert callable(best_subset_brute), "best_subset_brute is not defined: run its cell."
    costs, accuracies = [1.0, 2.0, 10.0, 100.0], [0.5, 0.6, 0.8, 0.9]
    got = best_subset_brute(costs, accuracies, 2)
    message = "best_subset_brute returned None: did you forget the `return` line?"
    assert got is not None and got is not ..., message
    got = np.atleast_1d(np.asarray(got)).tolist()
    hints = {
        (0, 1): "Your subset drops the largest state: it only reaches accuracy 0.6, not A_N = "
                "0.9, so its cost does not compare. Keep index 3 in every subset.",
        (0, 3): "That subset is the DEAREST of those that keep state 3: take the minimum cost.",
    }
    message = (
        f"For costs {costs}, accuracies {accuracies} and k = 2 the best subset is [2, 3]: Eq 9 "
        f"costs 10(1 - 0.9 + 0.8) + 100(0.9 - 0.8) = 19, against 40.6 for [0, 3] and 31.4 for "
        f"[1, 3]. You returned {got}. "
        + (f"That is {len(got)} states, not k = 2: with the largest state fixed, choose k - 1 "
           "others." if len(got) != 2 else "")
        + hints.get(tuple(got), "")
    )
    assert got == [2, 3], message


# %%
def test_q4_efficientnet(best_subset_brute):
    import numpy as np
    from adaptlab.published import family_state_space
    assert callable(best_subset_brute), "best_subset_brute is not defined: run its cell."
    from itertools import combinations
    from adaptlab import bounds
    space = family_state_space("EfficientNet")
    R, A, last = space.costs, space.accuracies, len(space) - 1
    for k in (1, 3, 5):
        want = space.best_subset(k)
        got = best_subset_brute(space.costs, space.accuracies, k)
        assert got is not None, "best_subset_brute returned None."
        got = np.atleast_1d(np.asarray(got))
        by_eq10 = min(([*rest, last] for rest in combinations(range(last), k - 1)),
                      key=lambda states: bounds.two_state(R[states], A[states]).selection_cost)
        message = (
            f"On the eight EfficientNets with k = {k} the best subset is "
            f"{[space.names.index(n) for n in want.names]} ({', '.join(want.names)}); you "
            f"returned {got.tolist()}. "
            + ("Return ascending indices." if sorted(got.tolist()) != got.tolist() else "")
            + ("You ranked the subsets by Eq 10 (their smallest and largest states only): rank "
               "them by Eq 9 on all their states." if got.tolist() == by_eq10 else "")
        )
        assert got.tolist() == [space.names.index(n) for n in want.names], message
        message = f"best_subset_brute should return integer indices, got dtype {got.dtype}."
        assert np.issubdtype(got.dtype, np.integer), message


# %%
# HIDDEN
def test_q4_random_against_the_library(best_subset_brute):
    import numpy as np
    from adaptlab.statespace import best_subset
    assert callable(best_subset_brute), "best_subset_brute is not defined."
    rng = np.random.default_rng(9)
    for n_states in [1, 2, 4, 7, 9]:
        costs = np.sort(rng.uniform(0.1, 100, n_states))
        accuracies = np.sort(rng.uniform(0.1, 0.99, n_states))
        for k in range(1, n_states + 1):
            want = best_subset(costs, accuracies, k)
            got = best_subset_brute(costs, accuracies, k)
            assert got is not None, "best_subset_brute returned None."
            got = np.atleast_1d(np.asarray(got)).ravel()
            message = (f"{n_states} states (costs {costs.round(2).tolist()}), k = {k}: the best "
                       f"subset is {want.tolist()}, got {got.tolist()}.")
            assert np.array_equal(got, want), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q5
# points: 3

# %% [markdown]
# ## Question 5 · Measure: who rules the bound? (3 points, about 10 minutes)
#
# `timm` below is the Pareto envelope of 1,543 published ImageNet models (costs in GMACs), as in
# Lecture 7. Measure, with the library:
#
# 1. `r_ratio_all`: the conservative $R_{ratio}$ of the whole envelope;
# 2. `r_ratio_without_largest`: the same after dropping the largest state (the second largest
#    becomes $R_N$);
# 3. `r_ratio_without_smallest`: the same after dropping the smallest state;
# 4. `top3_part`: the share of the whole envelope's $R_{oracle}$ that the oracle pays to its three
#    largest states, $\sum_{i=N-2}^{N} s_i R_i / R_{oracle}$ (a fraction).
#
# *Hint:* `timm.subset(indices)` keeps the states at `indices`; `.exit_share` of an operating point
# holds the $s_i$.

# %%
timm = timm_state_space()
print(f"{len(timm)} envelope states from {timm.costs[0]} to {timm.costs[-1]} GMACs; "
      f"the largest: {timm.names[-1]}")

# %% [raw]
# # BEGIN SOLUTION

# %%
r_ratio_all = timm.conservative().r_ratio  # SOLUTION
r_ratio_without_largest = timm.subset(np.arange(len(timm) - 1)).conservative().r_ratio  # SOLUTION
r_ratio_without_smallest = timm.subset(np.arange(1, len(timm))).conservative().r_ratio  # SOLUTION
point = timm.conservative()
top3_part = float(np.sum(point.exit_share[-3:] * timm.costs[-3:]) / point.selection_cost)  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("R_ratio, all states:      ", r_ratio_all)
print("without the largest state:", r_ratio_without_largest)
print("without the smallest:     ", r_ratio_without_smallest)
print("part of the 3 largest:    ", top3_part)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q5_ratios(r_ratio_all, r_ratio_without_largest, r_ratio_without_smallest):
    import numpy as np
    from adaptlab.published import timm_state_space
    space = timm_state_space()
    names = ["r_ratio_all", "r_ratio_without_largest", "r_ratio_without_smallest"]
    values = [r_ratio_all, r_ratio_without_largest, r_ratio_without_smallest]
    for name, value in zip(names, values):
        message = f"{name} is still the placeholder `...` (or not defined): measure it."
        assert value is not None and value is not ..., message
    full = space.conservative()
    message = (f"r_ratio_all should be the whole envelope's conservative R_ratio, "
               f"{full.r_ratio:.2f}; yours is {float(r_ratio_all):.4g}.")
    assert np.isclose(float(r_ratio_all), full.r_ratio), message
    top_off = space.subset(np.arange(len(space) - 1)).conservative()
    bottom_off = space.subset(np.arange(1, len(space))).conservative()
    got = float(r_ratio_without_largest)
    hints = {
        round(full.largest_cost / top_off.selection_cost, 4):
            "You divided the OLD R_N by the new R_oracle: without the largest state, R_N is the "
            "second largest state's cost (.r_ratio of the new space does it for you).",
        round(bottom_off.r_ratio, 4): "That is the envelope without its SMALLEST state.",
    }
    message = (
        f"Without its largest state the envelope's R_ratio is {top_off.r_ratio:.2f}; yours is "
        f"{got:.4g}. " + hints.get(round(got, 4), "")
    )
    assert np.isclose(got, top_off.r_ratio), message
    got = float(r_ratio_without_smallest)
    hints = {round(top_off.r_ratio, 4): "That is the envelope without its LARGEST state."}
    message = (
        f"Without its smallest state the envelope's R_ratio is {bottom_off.r_ratio:.2f}; yours is "
        f"{got:.4g}. " + hints.get(round(got, 4), "")
    )
    assert np.isclose(got, bottom_off.r_ratio), message


# %%
def test_q5_top3_part(top3_part):
    import numpy as np
    from adaptlab.published import timm_state_space
    space = timm_state_space()
    message = "top3_part is still the placeholder `...` (or not defined): measure it."
    assert top3_part is not None and top3_part is not ..., message
    point = space.conservative()
    parts = point.exit_share * space.costs / point.selection_cost
    got = float(top3_part)
    hints = {
        round(float(point.exit_share[-3:].sum()), 4):
            "That is the share of INSTANCES the 3 largest states answer; weight each by its "
            "cost: s_i R_i / R_oracle.",
        round(float(parts[:3].sum()), 4): "That is the part of the 3 SMALLEST states.",
        round(float(space.costs[-3:].sum() / space.costs.sum()), 4):
            "That is the 3 largest states' share of the summed COSTS; weight each cost by its "
            "exit share s_i and divide by R_oracle.",
        round(float(parts[-1]), 4): "That is the largest state alone: add the two below it.",
    }
    message = (
        f"The three largest states hold {parts[-3:].sum():.4f} of R_oracle; yours is {got:.4g}. "
        + ("It should be a fraction between 0 and 1. " if not 0 <= got <= 1 else "")
        + hints.get(round(got, 4), "")
    )
    assert np.isclose(got, parts[-3:].sum()), message


# %%
# HIDDEN
def test_q5_the_numbers_are_plain_floats(r_ratio_all, r_ratio_without_largest, top3_part):
    import numpy as np
    for name, value in [("r_ratio_all", r_ratio_all),
                        ("r_ratio_without_largest", r_ratio_without_largest),
                        ("top3_part", top3_part)]:
        message = f"{name} should be one number, got {value!r}."
        assert np.ndim(value) == 0 and np.isfinite(float(value)), message


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
# ## Question 6 · Explain: what a published R_ratio hides (2 points, about 10 minutes)
#
# Run the cell below (it uses the library), then answer in 4-6 sentences, quoting the printed
# numbers and those of question 5:
#
# 1. Why does dropping the largest state move $R_{ratio}$ so much more than dropping the smallest?
#    Use the identity $s_N R_N / R_{oracle} = (A_N - A_{N-1})\,R_{ratio}$.
# 2. The paper reports 121.77× for its ImageNet envelope; this envelope gives a different number.
#    What would you need to know about the paper's envelope to rebuild its figure, and why is that
#    the part that matters?

# %%
point = timm.conservative()
step = timm.accuracies[-1] - timm.accuracies[-2]
print(f"largest state {timm.names[-1]}: {timm.costs[-1]} GMACs, accuracy {timm.accuracies[-1]}")
print(f"the one below: {timm.names[-2]}: {timm.costs[-2]} GMACs, accuracy {timm.accuracies[-2]}")
print(f"top step A_N - A_(N-1) = {100 * step:.2f} pp; the largest state's part of R_oracle = "
      f"{point.exit_share[-1] * timm.costs[-1] / point.selection_cost:.3f} "
      f"= step x R_ratio = {step * point.r_ratio:.3f}; cap 1 / step = {1 / step:.0f}x")

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer** (numbers of the reference run). The envelope's $R_{ratio}$ is about 69.3×;
# without its largest state it is about 116.0×, without its smallest about 69.1×. The top sits in
# both halves of $R_{ratio} = R_N / R_{oracle}$: $R_N$ is the largest state's cost, and the
# oracle pays that cost on the share $A_N - A_{N-1}$ of instances only it gets right. Here that
# step is 0.65 points, so the largest state alone holds 0.447 of $R_{oracle}$ (= 0.0065 × 69.3),
# and the three largest 0.762; the ratio can never exceed $1/(A_N - A_{N-1})$, about 155×. Dropping
# the largest state cuts $R_N$ by less than a tenth but $R_{oracle}$ by almost half, so the ratio
# jumps; the smallest state answers many instances but at a tiny cost, so it hardly counts. To
# rebuild the paper's 121.77× one would need its envelope's largest states, their costs and
# accuracies and the step into the very top (its $R_N$ is 2,586 GFLOPs at 90.88%, a model this
# envelope does not have): those few models decide the number, and the paper does not list them.
# A ratio should be reported with its largest state, and with the top models removed.
#
# **Rubric (2 points).**
# * 1 point: explains with the identity that the largest state holds a large part of $R_{oracle}$
#   (quotes about 0.45, or 0.76 for the top three) and sets $R_N$, while the smallest costs almost
#   nothing; quotes the ratios with and without (about 69, 116, 69). (0.5 without numbers or
#   without the identity.)
# * 1 point: the paper's figure depends on the top of its envelope (largest states, their costs
#   and the top accuracy step), which is not published; names the cap $1/(A_N - A_{N-1})$ or says
#   one model at the top changes the ratio by tens of percent. (0.5 if vague.)

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION

# %% [markdown]
# ## Before you submit
#
# Restart the kernel and run all cells (*Kernel → Restart Kernel and Run All Cells*), check that
# every `grader.check` passes, and that your answer to question 6 quotes the numbers your notebook
# printed. Then submit this `.ipynb` file.
#
# *Reference:* S. Hor, Y. Qian, M. Pilanci, A. Arbabian, *Adaptive Inference: Theoretical Limits and
# Unexplored Opportunities* (Eq 9-13, Fig 5-6, Table 1-2, Appendix A.2.3).
