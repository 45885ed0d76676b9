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
# name: a06_routers
# init_cell: true
# check_all_cell: true
# export_cell: false
# tests:
#   files: false
#   ok_format: false
# generate: true

# %% [markdown]
# # Assignment 6 · Practical routers
#
# In Lecture 6 you ran confidence cascades, ABC and a learned router on four CNNs, calibrated on
# validation and reported on test. Here you rebuild the pieces yourself on small arrays, so that
# nothing hides in the library: the scores, the cascade's operating point, the calibration, and
# ABC's agreement. Then you explain the lecture's disappointing result with your own numbers.
# Nothing is trained: every cell runs in a blink.
#
# | question | skill | points |
# |---|---|---|
# | 1 · margin and entropy scores | implement | 2 |
# | 2 · a cascade's operating point | implement | 3 |
# | 3 · calibrate on validation | implement | 3 |
# | 4 · ABC's agreement | implement and measure | 2 |
# | 5 · dearer than the largest model | explain (graded by hand) | 2 |
# | **total** | 10 checked automatically, 2 by hand | **12** |
#
# *Estimated time:* 60 minutes. *Prerequisites:* Lecture 6; numpy indexing along an axis.
#
# **How the checks work.** After each answer, run the `grader.check("q1")` cell below it. A failing
# check says what it expected and gives a hint; fix your answer and run both cells again. When the
# assignment is graded, more cases are checked (random arrays, ties, one state, ...). Question 5
# is read and graded by hand.
#
# **Rules.** Write questions 1-4 with numpy only: `adaptlab.routers` and `adaptlab.cascade` are
# what the checks compare you with. Submit this `.ipynb` file after *Run → Run All Cells*.
#
# **Notation** (as in Lecture 6)
#
# | symbol | meaning | in code |
# |---|---|---|
# | `proba[x, i, c]` | state `i`'s probability of class `c` on instance `x` | shape (n, N, n_classes) |
# | `scores[x, i]` | how sure state `i` is on instance `x` | shape (n, N) |
# | $t$ | threshold: $x$ exits at the first state with `scores[x, i] >= t`; state $N$ always answers | `threshold` |
# | $R_i$, $C_i = R_1 + \dots + R_i$ | cost of state $i$; sequential cost of stopping there | `costs`, `np.cumsum(costs)` |

# %%
import numpy as np

from adaptlab.simulate import correlated_models

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 2

# %% [markdown]
# ## Question 1 · Implement: margin and entropy scores (2 points, about 10 minutes)
#
# Complete both functions. Each takes `proba` of shape (n, N, n_classes) and returns scores of
# shape (n, N):
#
# * `margin_scores`: the top class probability minus the second highest one (0 when they tie);
# * `negative_entropy_scores`: $\sum_c p_c \ln p_c$, in nats (natural log), so 0 for a one-hot
#   prediction and negative otherwise. A probability of exactly 0 contributes 0
#   ($0 \ln 0 = 0$ by continuity): avoid NaN.

# %% [raw]
# # BEGIN SOLUTION

# %%
def margin_scores(proba):
    """Top probability minus the runner-up, per instance and state."""
    proba = np.asarray(proba, dtype=float)
    # BEGIN SOLUTION
    ordered = np.sort(proba, axis=2)
    return ordered[..., -1] - ordered[..., -2]
    # END SOLUTION


def negative_entropy_scores(proba):
    """sum_c p_c ln p_c per instance and state (nats); 0 ln 0 counts as 0."""
    proba = np.asarray(proba, dtype=float)
    # BEGIN SOLUTION
    safe = np.where(proba > 0, proba, 1.0)  # ln 1 = 0: zero probabilities add nothing
    return (proba * np.log(safe)).sum(axis=2)
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
example = np.array([[[0.7, 0.2, 0.1], [0.4, 0.4, 0.2], [1.0, 0.0, 0.0]]])
print("margins:", margin_scores(example))
print("negative entropies:", negative_entropy_scores(example))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q1_margin_worked_example(margin_scores):
    import numpy as np
    assert callable(margin_scores), "margin_scores is not defined: run the cell that defines it."
    proba = np.array([[[0.7, 0.2, 0.1], [0.4, 0.4, 0.2], [0.1, 0.3, 0.6]]])
    got = margin_scores(proba)
    message = "margin_scores returned None: did you forget the `return` line?"
    assert got is not None, message
    got = np.asarray(got, dtype=float)
    message = (f"margin_scores should return one score per instance and state, shape (1, 3) "
               f"here, got shape {got.shape}: sort along the class axis (axis=2).")
    assert got.shape == (1, 3), message
    got = np.round(got.ravel(), 6).tolist()
    hints = {
        (0.6, 0.2, 0.5): "0.6 = 0.7 - 0.1 is the top minus the LOWEST probability: take the "
                         "second highest, np.sort(proba, axis=2)[..., -2].",
        (0.7, 0.4, 0.6): "Those are the top probabilities (max probability), not the margins.",
        (-0.5, 0.0, -0.3): "Check the sign: the top probability minus the runner-up is >= 0.",
    }
    message = (
        f"On the three states [0.7, 0.2, 0.1], [0.4, 0.4, 0.2] and [0.1, 0.3, 0.6] the margins "
        f"are [0.5, 0.0, 0.3] (a tie at the top gives 0). You returned {got}. "
        + hints.get(tuple(got), "")
    )
    assert np.allclose(got, [0.5, 0.0, 0.3]), message


# %%
def test_q1_entropy_worked_example(negative_entropy_scores):
    import numpy as np
    message = "negative_entropy_scores is not defined: run the cell that defines it."
    assert callable(negative_entropy_scores), message
    proba = np.array([[[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.25, 0.25, 0.5]]])
    got = negative_entropy_scores(proba)
    message = "negative_entropy_scores returned None: did you forget the `return` line?"
    assert got is not None, message
    got = np.asarray(got, dtype=float)
    message = f"negative_entropy_scores should return shape (1, 3) here, got {got.shape}."
    assert got.shape == (1, 3), message
    want = np.array([-np.log(2), 0.0, -1.5 * np.log(2)])
    message = ("You returned NaN: 0 * ln 0 is NaN in numpy. Give zero probabilities no "
               "contribution, e.g. np.where(proba > 0, proba * np.log(...), 0) on a safe argument.")
    assert not np.isnan(got).any(), message
    hints = {
        tuple(np.round(-want, 4)): "Check the sign: the score is sum p ln p (<= 0), minus the "
                                   "entropy.",
        tuple(np.round(want / np.log(2), 4)): "You used log base 2: use the natural log, np.log.",
        tuple(np.round(-want / np.log(2), 4)): "That is the entropy in bits: use np.log and "
                                               "keep the sign of sum p ln p.",
    }
    message = (
        f"On [0.5, 0.5, 0], [1, 0, 0] and [0.25, 0.25, 0.5] the scores sum p ln p are "
        f"{np.round(want, 4).tolist()} (-ln 2, 0, -1.5 ln 2). You returned "
        f"{np.round(got.ravel(), 4).tolist()}. " + hints.get(tuple(np.round(got.ravel(), 4)), "")
    )
    assert np.allclose(got, want), message


# %%
# HIDDEN
def test_q1_random_against_the_library(margin_scores, negative_entropy_scores):
    import numpy as np
    from adaptlab import routers
    rng = np.random.default_rng(6)
    for n, n_states, n_classes in [(1, 1, 2), (50, 4, 10), (7, 3, 3)]:
        proba = rng.dirichlet(np.full(n_classes, 0.5), size=(n, n_states))
        proba[0, 0] = np.eye(n_classes)[0]  # a one-hot row: zeros and a tie below the top
        before = proba.copy()
        for function, reference in [(margin_scores, routers.margin),
                                    (negative_entropy_scores, routers.negative_entropy)]:
            got = function(proba)
            assert got is not None, f"{function.__name__} returned None."
            message = f"{function.__name__} differs from adaptlab on a random case of shape {proba.shape}."
            assert np.allclose(np.asarray(got, dtype=float), reference(proba)), message
        assert np.array_equal(proba, before), "the input proba was changed."


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [markdown]
# ## The data of questions 2 to 5
#
# Four states with costs 1, 4, 6 and 10 GFLOPs and accuracies rising from 0.62 to 0.86, on 2,000
# validation and 2,000 test instances. `correct` comes from Lecture 3's correlated-model
# simulator; each state's score is high on easy instances and low on hard ones, with noise, as a
# confidence score is.

# %%
costs = np.array([1.0, 4.0, 6.0, 10.0])
accuracies = [0.62, 0.74, 0.8, 0.86]


def simulated_split(seed):
    """Correctness (n, 4) and confidence-like scores (n, 4) of 2,000 instances."""
    simulation = correlated_models(accuracies, n_instances=2000, correlation=0.8, seed=seed)
    noise = np.random.default_rng(seed + 100).normal(0.0, 0.4, simulation.correct.shape)
    scores = 1 / (1 + np.exp(simulation.difficulty[:, None] + noise))
    return simulation.correct, scores


correct_val, scores_val = simulated_split(seed=1)
correct_test, scores_test = simulated_split(seed=2)
print("validation accuracies:", correct_val.mean(axis=0).round(3))
print("test accuracies:      ", correct_test.mean(axis=0).round(3))

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# ## Question 2 · Implement: a cascade's operating point (3 points, about 15 minutes)
#
# Complete `cascade_point(scores, correct, costs, threshold)`. Instance $x$ exits at the first
# state $i$ with `scores[x, i] >= threshold`; if no state before the last one reaches it, the
# **last state answers** (its own score does not matter). Return the cascade's accuracy (the
# share of instances whose exit state is right) and its mean **sequential** cost (an instance
# that exits at state $i$ has paid $C_i = R_1 + \dots + R_i$), as a pair
# `accuracy, sequential_cost`.
#
# *Hint:* `(scores[:, :-1] >= threshold)` marks where each instance may exit; `argmax` along a
# row finds the first True, but returns 0 when there is none.

# %% [raw]
# # BEGIN SOLUTION

# %%
def cascade_point(scores, correct, costs, threshold):
    """Accuracy and mean sequential cost of the cascade at one threshold."""
    scores, correct = np.asarray(scores, dtype=float), np.asarray(correct, dtype=bool)
    costs = np.asarray(costs, dtype=float)
    # BEGIN SOLUTION
    n, n_states = scores.shape
    may_exit = np.column_stack([scores[:, :-1] >= threshold, np.ones(n, dtype=bool)])
    exits = may_exit.argmax(axis=1)  # the first True; the last column is always True
    accuracy = correct[np.arange(n), exits].mean()
    sequential_cost = np.cumsum(costs)[exits].mean()
    return accuracy, sequential_cost
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print("at threshold 0.5:", cascade_point(scores_test, correct_test, costs, 0.5))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q2_worked_example(cascade_point):
    import numpy as np
    assert callable(cascade_point), "cascade_point is not defined: run the cell that defines it."
    scores = np.array([[0.9, 0.2, 0.0], [0.3, 0.8, 0.0], [0.1, 0.2, 0.0], [0.5, 0.5, 0.9]])
    correct = np.array([[1, 1, 1], [0, 1, 1], [0, 0, 1], [1, 0, 0]], dtype=bool)
    costs = np.array([1.0, 2.0, 10.0])
    got = cascade_point(scores, correct, costs, 0.5)
    message = "cascade_point returned None: did you forget to return the pair (accuracy, sequential_cost)?"
    assert got is not None, message
    message = f"cascade_point should return a pair (accuracy, sequential_cost), got {got!r}."
    assert isinstance(got, (tuple, list)) and len(got) == 2, message
    accuracy, cost = (float(value) for value in got)
    # Exits at threshold 0.5: states 0, 1, 2, 0 -> right, right, right, right; pays 1, 3, 13, 1.
    hints = {
        (0.75, 1.5): "Instance 2 (no score reaches 0.5 before the last state) exited at state 0: "
                      "argmax of an all-False row is 0. Send such instances to the last state.",
        (1.0, 3.5): "3.5 is the selection cost (each instance pays only its exit state): a "
                    "cascade pays every state it ran, np.cumsum(costs)[exits].",
        (0.75, 1.25): "Instance 2 should reach the last state, and the cost is sequential.",
        (0.75, 4.5): "0.75 is the last state's accuracy: take each instance's correctness at its "
                     "exit state, correct[np.arange(n), exits].",
        (0.75, 7.5): "Instance 3 exited at the last state although state 0's score, 0.5, "
                    "reaches the threshold: use >=, not >.",
    }
    message = (
        f"On the worked example at threshold 0.5 the instances exit at states [0, 1, 2, 0], all "
        f"right, and pay C = [1, 3, 13, 1]: accuracy 1.0, sequential cost 4.5. You returned "
        f"({accuracy:.4g}, {cost:.4g}). " + hints.get((round(accuracy, 4), round(cost, 4)), "")
    )
    assert np.isclose(accuracy, 1.0) and np.isclose(cost, 4.5), message


# %%
def test_q2_this_data(cascade_point):
    import numpy as np
    from adaptlab.cascade import operating_point
    from adaptlab.simulate import correlated_models
    assert callable(cascade_point), "cascade_point is not defined: run the cell that defines it."
    simulation = correlated_models([0.62, 0.74, 0.8, 0.86], n_instances=2000, correlation=0.8,
                                   seed=2)
    noise = np.random.default_rng(102).normal(0.0, 0.4, simulation.correct.shape)
    scores = 1 / (1 + np.exp(simulation.difficulty[:, None] + noise))
    costs = np.array([1.0, 4.0, 6.0, 10.0])
    for threshold in [0.3, 0.5, 0.7]:
        want = operating_point(scores, simulation.correct, costs, threshold)
        got = cascade_point(scores, simulation.correct, costs, threshold)
        assert got is not None, "cascade_point returned None."
        accuracy, cost = (float(value) for value in got)
        hint = ("That is the selection cost: pay every state run, np.cumsum(costs)."
                if np.isclose(cost, want.selection_cost) else "")
        message = (
            f"On the test split at threshold {threshold} the cascade reaches accuracy "
            f"{want.accuracy:.4f} for {want.sequential_cost:.4f} GFLOPs; you returned "
            f"({accuracy:.4f}, {cost:.4f}). {hint}"
        )
        assert np.isclose(accuracy, want.accuracy) and np.isclose(cost, want.sequential_cost), \
            message


# %%
# HIDDEN
def test_q2_random_and_edge_cases(cascade_point):
    import numpy as np
    from adaptlab.cascade import operating_point
    rng = np.random.default_rng(8)
    cases = [(rng.random((30, n_states)), rng.random((30, n_states)) < 0.7,
              np.cumsum(rng.random(n_states) + 0.1)) for n_states in (1, 2, 5)]
    tied = np.full((4, 3), 0.5)
    cases.append((tied, np.eye(4, 3, dtype=bool), np.array([1.0, 2.0, 3.0])))
    for scores, correct, costs in cases:
        for threshold in [-np.inf, 0.0, 0.5, 0.99, np.inf]:
            want = operating_point(scores, correct, costs, threshold)
            got = cascade_point(scores, correct.astype(int), costs, threshold)
            assert got is not None, "cascade_point returned None."
            accuracy, cost = (float(value) for value in got)
            message = (f"{scores.shape[1]} states, threshold {threshold}: expected "
                       f"({want.accuracy:.4f}, {want.sequential_cost:.4f}), got "
                       f"({accuracy:.4f}, {cost:.4f}).")
            assert np.isclose(accuracy, want.accuracy), message
            assert np.isclose(cost, want.sequential_cost), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 3

# %% [markdown]
# ## Question 3 · Implement: calibrate on validation (3 points, about 15 minutes)
#
# Complete `cheapest_threshold(scores_val, correct_val, costs, target_accuracy)`: among the
# thresholds that change the routing (every distinct score of the states before the last,
# and `np.inf`, which sends every instance to the last state), return the one with the
# **least sequential cost** on validation whose accuracy reaches `target_accuracy`
# (`>=`). Of equally cheap thresholds any one will do. If none reaches the target, return `None`.
# Use your `cascade_point`.
#
# Then calibrate the four-state cascade to the largest state's **validation** accuracy
# (`calibrated`), and report it on the **test** split (`test_accuracy`, `test_cost`).

# %% [raw]
# # BEGIN SOLUTION

# %%
def cheapest_threshold(scores_val, correct_val, costs, target_accuracy):
    """The threshold of least validation cost whose validation accuracy reaches the target."""
    scores_val = np.asarray(scores_val, dtype=float)
    # BEGIN SOLUTION
    candidates = np.append(np.unique(scores_val[:, :-1]), np.inf)
    best, best_cost = None, np.inf
    for threshold in candidates:
        accuracy, cost = cascade_point(scores_val, correct_val, costs, threshold)
        if accuracy >= target_accuracy and cost < best_cost:
            best, best_cost = float(threshold), cost
    return best
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN SOLUTION

# %%
calibrated = cheapest_threshold(scores_val, correct_val, costs, correct_val[:, -1].mean())  # SOLUTION
test_accuracy = cascade_point(scores_test, correct_test, costs, calibrated)[0]  # SOLUTION
test_cost = cascade_point(scores_test, correct_test, costs, calibrated)[1]  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("calibrated threshold:", calibrated)
print("on test: accuracy", test_accuracy, "sequential cost", test_cost)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q3_worked_example(cheapest_threshold):
    import numpy as np
    assert callable(cheapest_threshold), "cheapest_threshold is not defined: run its cell."
    scores = np.array([[0.9, 0.0], [0.6, 0.0], [0.3, 0.0], [0.2, 0.0]])
    correct = np.array([[1, 1], [1, 1], [0, 1], [0, 1]], dtype=bool)
    costs = np.array([1.0, 10.0])
    got = cheapest_threshold(scores, correct, costs, 0.75)
    message = ("cheapest_threshold returned None on a target that can be reached: did you "
               "forget `return`, or compare accuracy with > instead of >=?")
    assert got is not None and got is not ..., message
    # thresholds 0.2, 0.3, 0.6, 0.9, inf: accuracy 0.5, 0.75, 1, 1, 1; cost 1, 3.5, 6, 8.5, 11
    hints = {
        0.6: "0.6 is more accurate (1.0) but dearer (6 GFLOPs): 0.3 reaches 0.75 exactly, and "
             "reaching means >=.",
        np.inf: "inf sends everyone to the last state, the dearest choice: keep the cost of the "
                "best threshold so far, and replace it only by a cheaper one.",
        0.2: "0.2 is the cheapest threshold but its accuracy, 0.5, misses the target 0.75.",
    }
    message = (
        f"With state 0's scores [0.9, 0.6, 0.3, 0.2] and target 0.75 the cheapest threshold is "
        f"0.3 (accuracy 0.75 for 3.5 GFLOPs; 0.2 gives only 0.5). You returned {got!r}. "
        + hints.get(float(got), "")
    )
    assert np.isclose(float(got), 0.3), message
    message = ("For an unreachable target (1.1 here) cheapest_threshold should return None, got "
               f"{cheapest_threshold(scores, correct, costs, 1.1)!r}.")
    assert cheapest_threshold(scores, correct, costs, 1.1) is None, message


# %%
def test_q3_calibrated_on_validation(calibrated, test_accuracy, test_cost):
    import numpy as np
    from adaptlab.cascade import calibrate, operating_point
    from adaptlab.simulate import correlated_models

    def split(seed):
        simulation = correlated_models([0.62, 0.74, 0.8, 0.86], n_instances=2000,
                                       correlation=0.8, seed=seed)
        noise = np.random.default_rng(seed + 100).normal(0.0, 0.4, simulation.correct.shape)
        return simulation.correct, 1 / (1 + np.exp(simulation.difficulty[:, None] + noise))

    (correct_val, scores_val), (correct_test, scores_test) = split(1), split(2)
    costs = np.array([1.0, 4.0, 6.0, 10.0])
    for name, value in [("calibrated", calibrated), ("test_accuracy", test_accuracy),
                        ("test_cost", test_cost)]:
        message = f"{name} is still the placeholder `...` (or None): compute it."
        assert value is not None and value is not ..., message
    def on(split, threshold):  # the routing a threshold gives, as (accuracy, cost)
        point = operating_point(*split, costs, float(threshold))
        return round(point.accuracy, 9), round(point.sequential_cost, 9)

    val, test = (scores_val, correct_val), (scores_test, correct_test)
    want = calibrate(*val, costs, target_accuracy=correct_val[:, -1].mean())
    on_test = operating_point(*test, costs, want)
    on_test_split = calibrate(*test, costs, target_accuracy=correct_test[:, -1].mean())
    hint = ("You calibrated on the test split: choose the threshold on validation."
            if on(test, calibrated) == on(test, on_test_split) else "")
    message = (f"Calibrated on validation to the largest state's validation accuracy "
               f"{correct_val[:, -1].mean():.4f}, the threshold is {want:.4f} (validation "
               f"accuracy and cost {on(val, want)}); yours, {float(calibrated):.4f}, gives "
               f"{on(val, calibrated)}. {hint}")
    assert on(val, calibrated) == on(val, want), message
    message = (f"On test that threshold gives accuracy {on_test.accuracy:.4f} and sequential cost "
               f"{on_test.sequential_cost:.4f}; you have {float(test_accuracy):.4f} and "
               f"{float(test_cost):.4f}: report the calibrated threshold on the test split.")
    assert np.isclose(float(test_accuracy), on_test.accuracy) and \
        np.isclose(float(test_cost), on_test.sequential_cost), message


# %%
# HIDDEN
def test_q3_random_against_the_library(cheapest_threshold):
    import numpy as np
    from adaptlab.cascade import UnreachableTargetError, calibrate, operating_point
    rng = np.random.default_rng(9)
    for n_states in (2, 3, 5):
        scores = np.round(rng.random((40, n_states)), 1)  # ties
        correct = rng.random((40, n_states)) < np.linspace(0.5, 0.9, n_states)
        costs = np.cumsum(rng.random(n_states) + 0.1)
        for target in (0.5, 0.7, 0.9, 1.0):
            got = cheapest_threshold(scores, correct, costs, target)
            try:
                want = calibrate(scores, correct, costs, target_accuracy=target)
            except UnreachableTargetError:
                assert got is None, f"target {target} is unreachable: return None, got {got!r}."
                continue
            assert got is not None, f"target {target} is reachable (threshold {want}), got None."
            want_cost = operating_point(scores, correct, costs, want).sequential_cost
            got_point = operating_point(scores, correct, costs, float(got))
            message = (f"{n_states} states, target {target}: the cheapest threshold costs "
                       f"{want_cost:.4f}; yours ({got}) costs {got_point.sequential_cost:.4f} "
                       f"at accuracy {got_point.accuracy:.4f}.")
            assert got_point.accuracy >= target and np.isclose(got_point.sequential_cost,
                                                               want_cost), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 2

# %% [markdown]
# ## Question 4 · Implement and measure: ABC's agreement (2 points, about 10 minutes)
#
# An ABC tier is an ensemble: its members vote with their top class, the tier answers with the
# majority label, and its **agreement** is the share of members that voted for that label. Complete
# `agreement_share(member_proba)`: `member_proba` has shape (n, n_members, n_classes); return the
# agreement per instance, shape (n,). (With 3 members it is 1/3, 2/3 or 1.)
#
# Then measure, on the three-member tier `tier_proba` below, the share of instances on which the
# members are **unanimous** (`unanimous_share`): with threshold 1, the share that exits there.

# %%
# 1,000 instances, 3 members: each member's probabilities are a shared part plus its own.
rng = np.random.default_rng(0)
shared = rng.dirichlet(np.full(10, 0.3), size=(1000, 1))
tier_proba = 0.6 * shared + 0.4 * rng.dirichlet(np.full(10, 0.3), size=(1000, 3))

# %% [raw]
# # BEGIN SOLUTION

# %%
def agreement_share(member_proba):
    """Share of a tier's members voting for the majority label, per instance."""
    member_proba = np.asarray(member_proba, dtype=float)
    # BEGIN SOLUTION
    n_classes = member_proba.shape[2]
    votes = member_proba.argmax(axis=2)
    counts = (votes[:, :, None] == np.arange(n_classes)).sum(axis=1)
    return counts.max(axis=1) / member_proba.shape[1]
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN SOLUTION

# %%
unanimous_share = float(np.mean(agreement_share(tier_proba) == 1.0))  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("unanimous on", unanimous_share, "of the instances")

# %% [raw]
# # BEGIN TESTS

# %%
def test_q4_worked_example(agreement_share):
    import numpy as np
    assert callable(agreement_share), "agreement_share is not defined: run its cell."
    member_proba = np.array([
        [[0.6, 0.2, 0.2], [0.6, 0.2, 0.2], [0.6, 0.2, 0.2]],  # votes 0, 0, 0
        [[0.6, 0.4, 0.0], [0.1, 0.9, 0.0], [0.2, 0.8, 0.0]],  # votes 0, 1, 1
        [[0.9, 0.1, 0.0], [0.0, 0.9, 0.1], [0.1, 0.0, 0.9]],  # votes 0, 1, 2
    ])
    got = agreement_share(member_proba)
    message = "agreement_share returned None: did you forget the `return` line?"
    assert got is not None, message
    got = np.asarray(got, dtype=float)
    message = (f"agreement_share should return one share per instance, shape (3,) here, got "
               f"{got.shape}: count votes over the members (axis 1).")
    assert got.shape == (3,), message
    got = np.round(got, 4).tolist()
    hints = {
        (1.0, 0.0, 0.0): "You returned whether the members are unanimous; return the share "
                         "voting for the majority label (2 of 3 is 0.6667).",
        (3.0, 2.0, 1.0): "Divide the votes for the majority label by the number of members.",
        (1.0, 0.3333, 0.3333): "You measured agreement with the first member; count the votes "
                               "for the majority label.",
        tuple(np.round(member_proba.max(axis=2).mean(axis=1), 4)): "Those are mean top "
            "probabilities: count the members' votes instead.",
    }
    message = (
        f"Three instances: all three members vote 0; votes 0, 1, 1; votes 0, 1, 2. Agreement "
        f"[1.0, 0.6667, 0.3333]. You returned {got}. " + hints.get(tuple(got), "")
    )
    assert np.allclose(got, [1.0, 2 / 3, 1 / 3], atol=1e-4), message


# %%
def test_q4_unanimous_share(unanimous_share):
    import numpy as np
    from adaptlab import routers
    message = "unanimous_share is still the placeholder `...` (or not defined): measure it."
    assert unanimous_share is not None and unanimous_share is not ..., message
    rng = np.random.default_rng(0)
    shared = rng.dirichlet(np.full(10, 0.3), size=(1000, 1))
    tier_proba = 0.6 * shared + 0.4 * rng.dirichlet(np.full(10, 0.3), size=(1000, 3))
    scores = routers.agreement(tier_proba, [[0, 1, 2]], [1.0, 1.0, 1.0]).scores[:, 0]
    want = float(np.mean(scores == 1.0))
    hint = ("That is the share where a majority (2 of 3) agrees: unanimous means all 3."
            if np.isclose(unanimous_share, np.mean(scores >= 0.6)) else "")
    message = (f"The three members are unanimous on {want:.3f} of the 1,000 instances; you "
               f"have {unanimous_share!r}. {hint}")
    assert np.isclose(float(unanimous_share), want), message


# %%
# HIDDEN
def test_q4_random_against_the_library(agreement_share):
    import numpy as np
    from adaptlab import routers
    rng = np.random.default_rng(10)
    for n_members, n_classes in [(1, 2), (2, 3), (3, 10), (5, 4)]:
        member_proba = rng.dirichlet(np.full(n_classes, 0.4), size=(60, n_members))
        want = routers.agreement(member_proba, [list(range(n_members))],
                                 np.ones(n_members)).scores[:, 0]
        got = agreement_share(member_proba)
        assert got is not None, "agreement_share returned None."
        message = f"{n_members} members, {n_classes} classes: agreement differs from adaptlab."
        assert np.allclose(np.asarray(got, dtype=float), want), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q5
# manual: true
# points: 2

# %% [markdown]
# ## Question 5 · Explain: dearer than the largest model (2 points, about 10 minutes)
#
# Run the cell below: it prices your calibrated cascade of question 3 against the largest state
# alone and against a cascade of the smallest and the largest state only, calibrated the same way.
# In three to five sentences, explain with these numbers why the four-state cascade calibrated to
# the largest state's accuracy is not cheaper (or barely cheaper) than the largest state alone,
# name the **two** reasons, and say what the two-state cascade changes.

# %%
if not all(isinstance(value, (float, np.floating)) for value in (calibrated, test_cost)):
    print("Answer questions 2 and 3 first: `calibrated` and `test_cost` must be numbers.")
else:
    exits = np.column_stack([scores_test[:, :-1] >= calibrated,
                             np.ones(len(scores_test), dtype=bool)]).argmax(axis=1)
    share = np.bincount(exits, minlength=4) / len(exits)
    print("exit shares of the four states on test:", share.round(3))
    print(f"break-even share R_N / C_N = {costs[-1] / costs.sum():.3f}; share reaching the "
          f"largest state: {share[-1]:.3f}")
    print(f"four-state cascade: {test_cost:.2f} GFLOPs vs {costs[-1]:.0f} for the largest alone")
    pair = [0, 3]
    pair_threshold = cheapest_threshold(scores_val[:, pair], correct_val[:, pair], costs[pair],
                                        correct_val[:, -1].mean())
    print("two-state cascade (smallest, largest): accuracy and cost on test",
          cascade_point(scores_test[:, pair], correct_test[:, pair], costs[pair], pair_threshold))

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.** An instance that reaches the largest state has paid for all four states,
# $C_N = 21$ GFLOPs, not $R_N = 10$: a cascade pays every state it runs. So the cascade is dearer
# than the largest state alone as soon as more than $R_N / C_N$ of the instances reach it (the
# break-even share printed above). The second reason is the strict target: to match the largest
# state's validation accuracy, the calibration must send every instance the small states doubt
# up to the largest state, and that share is near or above break-even (printed above). The
# two-state cascade skips the middle states: an escalated instance pays $R_1 + R_N = 11$, not
# 21, so the same target costs less (printed above). Which states to keep is a design
# choice made on validation (Lecture 7).
#
# **Rubric (2 points).** 1 point: "every state run is paid" (sequential cost, $C_N$ vs $R_N$,
# or the break-even share) with the printed numbers; 0.5 point: the strict target pushes a
# large share to the last state; 0.5 point: the two-state cascade pays less per escalation
# (fewer states). An answer without any printed number loses 0.5.

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION
