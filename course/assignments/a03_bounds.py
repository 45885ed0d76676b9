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
# name: a03_bounds
# init_cell: true
# check_all_cell: true
# export_cell: false
# tests:
#   files: false
#   ok_format: false
# generate: true

# %% [markdown]
# # Assignment 3 · α and the bounds
#
# For most model families you do not have the matrix that says which model gets which input
# right: you have a table with one cost and one accuracy per model. Lecture 3 showed how far that
# table goes. Eq 7 writes the exact oracle with the hidden error overlaps $\alpha_i$; Eq 8 fixes
# them at one value; Eq 9 fixes them at the worst case, $\alpha = 1$, and needs nothing but the
# table. In this assignment you implement Eq 7, derive the price a cascade pays at $\alpha = 1$,
# show that Eq 8 is a straight line, measure how correlated errors must be before the
# conservative bound is tight, and explain what a bound can and cannot be compared with.
#
# | question | skill | points |
# |---|---|---|
# | 1 · Eq 7, the general formula | implement (Eq 6, Eq 7) | 3 |
# | 2 · what a cascade pays at α = 1 | derive (Eq 9, exit shares) | 3 |
# | 3 · the constant-α line | derive and measure (Eq 8) | 2 |
# | 4 · when is the conservative bound tight? | measure (Eq 9, the exact oracle) | 3 |
# | 5 · compare at the same accuracy | explain (graded by hand) | 2 |
# | 6 · the rows of Table 1 that cannot be rebuilt | explain (graded by hand) | 2 |
# | **total** | 11 checked automatically, 4 by hand | **15** |
#
# *Estimated time:* 75-90 minutes. *Prerequisites:* Lecture 2 (the adaptive oracle, exit shares,
# selection vs sequential cost) and Lecture 3 (α and the bounds); numpy arrays, sums with shifted
# indices, a little pandas.
#
# **How the checks work.** After each answer, run the `grader.check("q1")` cell below it. A failing
# check says what it expected and gives a hint; fix your answer and run both cells again. A passing
# check means your answer is right on the cases shown to you. When the assignment is graded, more
# cases are checked (random state spaces, two states, a largest state that is never wrong, ...):
# test your functions on your own cases too. Questions 5 and 6 are read and graded by hand.
#
# **Rules.** Write questions 1-3 with numpy only: do not call `adaptlab` inside your functions
# (comparing your results with `bounds.general`, `bounds.conservative` and
# `bounds.constant_alpha` afterwards is a good idea). Question 4 measures with the library. Run
# the whole notebook top to bottom before you submit (*Run → Run All Cells*), then submit this
# `.ipynb` file.
#
# **Notation** (the paper counts states from 1, Python from 0: the paper's $R_1$ is `costs[0]`)
#
# | symbol | meaning | in code |
# |---|---|---|
# | $N$ | number of states, ordered by ascending cost | `len(costs)` |
# | $R_i$, $A_i$ | cost (GFLOPs per instance) and accuracy (a fraction) of state $i$ | `costs[i - 1]`, `accuracies[i - 1]` |
# | $e_i$ | the event "states $1, \dots, i$ are all wrong" | |
# | $\alpha_i$ | $P(\text{states } 1..i-1 \text{ all wrong} \mid \text{state } i \text{ wrong})$, for $i > 1$ (Eq 6) | `alphas[i - 1]`; `alphas[0]` is NaN |
# | $P(e_i)$ | $1 - A_1$ for $i = 1$, $\alpha_i (1 - A_i)$ for $i > 1$ (Eq 6) | `bounds.error_probabilities` |
# | $s_i$ | exit share: the share of instances the oracle answers with state $i$ | `point.exit_share` |
# | $C_i = R_1 + \dots + R_i$ | what a cascade that stops at state $i$ has paid | `np.cumsum(costs)` |
# | $R_{oracle}$, $A_{oracle}$ | the oracle's expected (selection) cost and accuracy | `point.selection_cost`, `point.accuracy` |

# %%
import numpy as np
import pandas as pd

from adaptlab import bounds
from adaptlab.cascade import oracle_frontier
from adaptlab.metrics import cost_at_accuracy
from adaptlab.published import table1
from adaptlab.simulate import correlated_models

# The state space of this assignment: four classifiers, costs in GFLOPs per instance (ascending)
# and accuracies that rise with cost (no dominated state).
costs = np.array([1.0, 3.0, 9.0, 27.0])
accuracies = np.array([0.55, 0.68, 0.76, 0.80])

# Their per-instance correctness, simulated with correlated errors (Lecture 3, Section 3), and the
# alphas measured on it (Eq 6).
correct = correlated_models(accuracies, n_instances=4000, correlation=0.8, seed=0).correct
alphas_measured = bounds.alphas(correct)
exact = bounds.oracle(correct, costs)
print("measured alphas:", np.round(alphas_measured, 4))
print(f"exact oracle: R_oracle = {exact.selection_cost:.4f} GFLOPs, "
      f"A_oracle = {exact.accuracy:.4f}")

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 3

# %% [markdown]
# ## Question 1 · Implement: Eq 7, the general formula (3 points, about 20 minutes)
#
# Eq 7, as the paper's main text prints it, gives the oracle from costs, accuracies and α's:
#
# $$R_{oracle} = R_1 + (R_2 - R_1)(1 - A_1) + \sum_{i=3}^{N} \alpha_{i-1} (R_i - R_{i-1})(1 - A_{i-1})
#   - \alpha_N (R_N - R_1)(1 - A_N), \qquad A_{oracle} = 1 - \alpha_N (1 - A_N).$$
#
# (The appendix writes $\alpha_i (1 - A_i)$ inside the sum: a slip, as you found in Lecture 3.)
#
# Complete `eq7(costs, accuracies, alphas)`: return the pair `(selection_cost, accuracy)`, that is
# $(R_{oracle}, A_{oracle})$, for any $N \ge 2$ (with $N = 2$ the sum is empty). `alphas` has one
# entry per state, as `bounds.alphas` returns it: `alphas[0]` is NaN and is never used.
#
# * Mind the indices: the paper's $X_i$ is `X[i - 1]` in Python, so $\alpha_{i-1}$ is
#   `alphas[i - 2]`.
# * If the largest state is never wrong ($A_N = 1$), $\alpha_N$ is NaN: Eq 6 conditions on an event
#   that never happens. Then $P(e_N) = \alpha_N (1 - A_N) = 0$: make sure your function returns
#   numbers in that case, not NaN.

# %% [raw]
# # BEGIN SOLUTION

# %%
def eq7(costs, accuracies, alphas):
    """R_oracle and A_oracle from costs, accuracies and alphas (Eq 7, as in the main text)."""
    R = np.asarray(costs, dtype=float)
    A = np.asarray(accuracies, dtype=float)
    a = np.asarray(alphas, dtype=float)
    # BEGIN SOLUTION
    N = len(R)
    p_all_wrong = 0.0 if A[-1] == 1 else a[-1] * (1 - A[-1])  # P(e_N) = alpha_N (1 - A_N)
    cost_sum = R[0] + (R[1] - R[0]) * (1 - A[0])  # every instance pays R_1; errors of 1 climb
    for i in range(3, N + 1):  # the paper's i = 3..N; its X_i is X[i - 1]
        cost_sum += a[i - 2] * (R[i - 1] - R[i - 2]) * (1 - A[i - 2])  # alpha_{i-1}, A_{i-1}
    cost_sum -= (R[-1] - R[0]) * p_all_wrong  # no state right: back to state 1
    return cost_sum, 1.0 - p_all_wrong
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print("your Eq 7 on the simulated family (R_oracle, A_oracle):",
      eq7(costs, accuracies, alphas_measured))
print("the exact oracle on the same matrix:                  ",
      (exact.selection_cost, exact.accuracy))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q1_worked_example(eq7):
    import numpy as np
    assert callable(eq7), "eq7 is not defined: run the cell that defines it."
    got = eq7([1.0, 4.0, 10.0], [0.6, 0.75, 0.85], [np.nan, 0.6, 0.5])
    message = "eq7 returned None: did you forget `return selection_cost, accuracy`?"
    assert got is not None, message
    message = (
        f"eq7 should return a pair of numbers, (selection_cost, accuracy); got {got!r}. "
        "End with `return cost, accuracy`."
    )
    assert isinstance(got, (tuple, list)) and len(got) == 2, message
    for name, value in zip(("selection_cost", "accuracy"), got):
        message = f"the {name} eq7 returns should be one number, got {value!r}."
        assert value is not None and value is not ... and np.ndim(value) == 0, message
    cost, accuracy = (float(value) for value in got)
    setting = "For R = [1, 4, 10], A = [0.6, 0.75, 0.85], alphas = [nan, 0.6, 0.5]"
    if np.isnan(cost):
        message = (
            f"{setting} your R_oracle is NaN. alphas[0] is NaN (alpha_1 is not defined): did "
            "your sum start at the paper's i = 2, or use alphas[i - 1] for alpha_{i-1}? The sum "
            "runs over i = 3..N and uses alpha_{i-1} = alphas[i - 2]."
        )
        assert False, message
    hints = {
        1.975: "That is the appendix's slip: inside the sum use alpha_{i-1} (1 - A_{i-1}), "
               "i.e. alphas[i - 2] and A[i - 2], not alpha_i (1 - A_i).",
        3.1: "You left out the last term, - alpha_N (R_N - R_1)(1 - A_N): the instances no state "
             "gets right are answered by state 1, not state N (Eq 4), which refunds R_N - R_1.",
        2.35: "The last term refunds R_N - R_1 (the oracle pays R_1 instead of R_N), not R_N.",
        1.525: "Your sum added nothing: it runs over the paper's i = 3..N, N included (here "
               "i = 3): range(3, N + 1).",
        2.275: "Inside the sum you used alpha_i with (1 - A_{i-1}): both carry the index i - 1, "
               "alpha_{i-1} is alphas[i - 2].",
        2.2: "You left out both the sum and the last term.",
    }
    message = (
        f"{setting}, Eq 7 gives R_oracle = 1 + 3 * 0.4 + 0.6 * 6 * 0.25 - 0.5 * 9 * 0.15 = 2.425 "
        f"GFLOPs; you returned {cost:.6g}. "
        + next((h for v, h in hints.items() if np.isclose(cost, v)), "")
    )
    assert np.isclose(cost, 2.425), message
    hints = {
        0.85: "0.85 is A_N, the conservative bound's accuracy (alpha = 1); with alpha_N = 0.5 "
              "the oracle fixes half of the largest state's errors.",
        0.5: "0.5 is 1 - alpha_N: you left out (1 - A_N).",
        0.075: "0.075 is P(e_N) = alpha_N (1 - A_N), the share no state gets right; A_oracle is 1 "
               "minus it.",
        0.575: "A_oracle = 1 - alpha_N (1 - A_N), not 1 - alpha_N A_N.",
    }
    message = (
        f"{setting}, A_oracle = 1 - alpha_N (1 - A_N) = 1 - 0.5 * 0.15 = 0.925; you returned "
        f"{accuracy:.6g}. " + next((h for v, h in hints.items() if np.isclose(accuracy, v)), "")
    )
    assert np.isclose(accuracy, 0.925), message


# %%
def test_q1_equals_the_exact_oracle(eq7):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.simulate import correlated_models
    assert callable(eq7), "eq7 is not defined: run the cell that defines it."
    costs, accuracies = np.array([1.0, 3.0, 9.0, 27.0]), np.array([0.55, 0.68, 0.76, 0.80])
    correct = correlated_models(accuracies, n_instances=4000, correlation=0.8, seed=0).correct
    alphas = bounds.alphas(correct)
    want = bounds.oracle(correct, costs)
    got = eq7(costs, accuracies, alphas)
    message = "eq7 should return (selection_cost, accuracy): see the first check of question 1."
    assert isinstance(got, (tuple, list)) and len(got) == 2, message
    assert all(v is not None and v is not ... and np.ndim(v) == 0 for v in got), message
    cost, accuracy = (float(value) for value in got)
    slip = costs[0] + (costs[1] - costs[0]) * (1 - accuracies[0]) - alphas[-1] * (
        costs[-1] - costs[0]) * (1 - accuracies[-1]) + sum(
        alphas[i - 1] * (costs[i - 1] - costs[i - 2]) * (1 - accuracies[i - 1])
        for i in range(3, 5))
    hint = ("That is the appendix's version (alpha_i (1 - A_i) in the sum): it promises a cost "
            "below the exact oracle's at the oracle's own accuracy, which no agent choosing among "
            "these states can pay." if np.isclose(cost, slip) else
            "Run the first check of question 1 for a hint.")
    message = (
        f"With the alphas measured on the simulated 4000x4 matrix of this notebook, Eq 7 is not an "
        f"estimate: it equals the exact oracle, R_oracle = {want.selection_cost:.6f} GFLOPs. "
        f"Your eq7 gives {cost:.6f}. {hint}"
    )
    assert np.isclose(cost, want.selection_cost, rtol=1e-9, atol=1e-12), message
    message = (
        f"A_oracle on the same matrix is {want.accuracy:.6f} (the share of instances some state "
        f"gets right); your eq7 gives {accuracy:.6f}."
    )
    assert np.isclose(accuracy, want.accuracy, rtol=1e-9, atol=1e-12), message


# %%
# HIDDEN
def test_q1_random_state_spaces(eq7):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.simulate import correlated_models
    assert callable(eq7), "eq7 is not defined."
    for seed, (n_states, correlation) in enumerate([(2, 0.3), (3, 0.9), (5, 0.5), (7, 0.7),
                                                    (8, 0.0)], start=30):
        rng = np.random.default_rng(seed)
        accuracies = np.sort(rng.choice(np.arange(300, 990), n_states, replace=False)) / 1000
        costs = np.sort(rng.choice(np.arange(1, 2000), n_states, replace=False)) / 10
        correct = correlated_models(accuracies, n_instances=1000, correlation=correlation,
                                    seed=seed).correct
        alphas = bounds.alphas(correct)
        exact = bounds.oracle(correct, costs)
        general = bounds.general(costs, accuracies, alphas)
        got = eq7(costs, accuracies, alphas)
        assert isinstance(got, (tuple, list)) and len(got) == 2, f"eq7 returned {got!r}."
        message = (
            f"On a random {n_states}-state space (seed {seed}, costs {costs.tolist()}, accuracies "
            f"{accuracies.tolist()}): expected (R_oracle, A_oracle) = ({exact.selection_cost:.6g}, "
            f"{exact.accuracy:.6g}), got {got!r}."
        )
        got = np.asarray(got, dtype=float)
        assert np.allclose(got, [exact.selection_cost, exact.accuracy], rtol=1e-9), message
        assert np.allclose(got, [general.selection_cost, general.accuracy], rtol=1e-9), message


# %%
# HIDDEN
def test_q1_edge_cases(eq7):
    import numpy as np
    from adaptlab import bounds
    assert callable(eq7), "eq7 is not defined."
    nan = np.nan
    cases = {
        "two states (the sum is empty)": ([1.0, 10.0], [0.6, 0.8], [nan, 0.5]),
        "every alpha = 1 (Eq 9)": ([1.0, 2.0, 5.0, 30.0], [0.5, 0.6, 0.7, 0.9],
                                   [nan, 1.0, 1.0, 1.0]),
        "every alpha = 0": ([1.0, 2.0, 5.0], [0.5, 0.6, 0.7], [nan, 0.0, 0.0]),
        "largest state never wrong (alpha_N is NaN)": ([1.0, 4.0, 10.0], [0.6, 0.8, 1.0],
                                                       [nan, 0.5, nan]),
        "lists, not arrays": ([2, 3, 7], [0.4, 0.7, 0.75], [nan, 0.9, 0.8]),
    }
    for name, (costs, accuracies, alphas) in cases.items():
        want = bounds.general(costs, accuracies, alphas)
        before = [list(costs), list(accuracies), list(alphas)]
        got = eq7(costs, accuracies, alphas)
        assert isinstance(got, (tuple, list)) and len(got) == 2, f"eq7 returned {got!r} ({name})."
        message = (
            f"Case '{name}' (R = {costs}, A = {accuracies}, alphas = {alphas}): expected "
            f"(R_oracle, A_oracle) = ({want.selection_cost:.6g}, {want.accuracy:.6g}), got {got!r}."
        )
        got = np.asarray(got, dtype=float)
        assert np.allclose(got, [want.selection_cost, want.accuracy], rtol=1e-9), message
        after = [list(costs), list(accuracies), list(alphas)]
        assert repr(after) == repr(before), f"eq7 changed its input ({name})."



# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# ## Question 2 · Derive: what a cascade pays at α = 1 (3 points, about 20 minutes)
#
# At $\alpha = 1$ (every $\alpha_i = 1$), Eq 6 gives $P(e_i) = 1 - A_i$, and the oracle's exit
# shares become (Lecture 3, Section 4)
#
# $$s_1 = 1 - A_N + A_1, \qquad s_i = A_i - A_{i-1} \quad (i = 2, \dots, N),$$
#
# so that $R_{oracle} = \sum_i s_i R_i$ is Eq 9. That is a *selection* cost. A cascade that runs the
# states one after another and stops where this oracle stops pays $C_i = R_1 + \dots + R_i$ on the
# share $s_i$: its *sequential* cost is $\sum_i s_i C_i$.
#
# 1. Complete `eq9_shares(accuracies)`: the $N$ exit shares, as an array.
# 2. Derive a closed form of the sequential cost. Substitute $C_i = \sum_{j=1}^{i} R_j$ into
#    $\sum_i s_i C_i$, swap the two sums (sum over $j$ outside), and use the telescoping sum
#    $\sum_{i=j}^{N} (A_i - A_{i-1}) = A_N - A_{j-1}$. You should reach
#    $R_1 + \sum_{j=2}^{N} w_j R_j$ where $w_j$, a difference of two accuracies, is the share of
#    instances on which state $j$ runs. Write your derivation in the cell below (it is not
#    graded, but it is how you find the formula that is).
# 3. Complete `eq9_sequential_cost(costs, accuracies)` with your closed form: no `np.cumsum`, and
#    no exit shares. For one state ($N = 1$) it is $R_1$.

# %% [raw]
# # BEGIN PROMPT

# %% [markdown]
# *Your derivation:*
#
# $$\sum_{i=1}^{N} s_i C_i = \dots$$

# %% [raw]
# # END PROMPT

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# *Derivation.* With $C_i = \sum_{j \le i} R_j$, and $s_1 + \sum_{i \ge 2} s_i = 1$:
#
# $$
# \begin{aligned}
# \sum_{i=1}^{N} s_i C_i &= \sum_{i=1}^{N} s_i \sum_{j=1}^{i} R_j
#   = \sum_{j=1}^{N} R_j \sum_{i=j}^{N} s_i && \text{swap the sums}\\
# &= R_1 \cdot 1 + \sum_{j=2}^{N} R_j \sum_{i=j}^{N} (A_i - A_{i-1})
#   && \text{all shares sum to 1; for } j \ge 2 \text{ only } s_{i \ge 2} \text{ appear}\\
# &= R_1 + \sum_{j=2}^{N} R_j\,(A_N - A_{j-1}) && \text{the sum telescopes.}
# \end{aligned}
# $$
#
# So $w_j = A_N - A_{j-1}$. At $\alpha = 1$ errors are nested: state $j$ runs on exactly the
# instances that state $j - 1$ gets wrong and the largest state gets right. The instances that no
# state gets right ($1 - A_N$) stop at state 1: the oracle knows that climbing would not help.

# %%
def eq9_shares(accuracies):
    """Exit shares of the oracle at alpha = 1: s_1 = 1 - A_N + A_1, s_i = A_i - A_{i-1}."""
    A = np.asarray(accuracies, dtype=float)
    # BEGIN SOLUTION
    shares = np.empty_like(A)
    shares[0] = 1.0 - A[-1] + A[0]  # right at state 1, or right nowhere (Eq 4)
    shares[1:] = A[1:] - A[:-1]  # first right at state i (errors nested)
    return shares
    # END SOLUTION


def eq9_sequential_cost(costs, accuracies):
    """What a cascade pays that stops where the alpha = 1 oracle stops, in closed form."""
    R = np.asarray(costs, dtype=float)
    A = np.asarray(accuracies, dtype=float)
    # BEGIN SOLUTION
    run_share = A[-1] - A[:-1]  # w_j = A_N - A_{j-1}: the share on which state j >= 2 runs
    return R[0] + float(np.sum(R[1:] * run_share))
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print("exit shares at alpha = 1:", eq9_shares(accuracies))
print("sequential cost at alpha = 1:", eq9_sequential_cost(costs, accuracies), "GFLOPs")

# %% [raw]
# # BEGIN TESTS

# %%
def test_q2_exit_shares(eq9_shares):
    import numpy as np
    assert callable(eq9_shares), "eq9_shares is not defined: run the cell that defines it."
    got = eq9_shares([0.6, 0.75, 0.85])
    assert got is not None, "eq9_shares returned None: did you forget `return shares`?"
    got = np.asarray(got, dtype=float)
    message = (
        f"eq9_shares should return one share per state: shape (3,) for three accuracies, got "
        f"shape {got.shape}. "
        + ("Did you forget s_1 = 1 - A_N + A_1 in front of np.diff?" if got.shape == (2,) else "")
    )
    assert got.shape == (3,), message
    total = got.sum()
    hints = {
        0.85: "They sum to A_N: the oracle also answers the 1 - A_N instances that no state gets "
              "right, with state 1 (Eq 4). Add them to s_1.",
        0.65: "s_1 is the share answered by state 1: the instances it gets right (A_1) plus those "
              "no state gets right (1 - A_N), not 1 - A_1.",
        2.2: "You returned the accuracies themselves; the shares of states i > 1 are the steps "
             "A_i - A_{i-1}.",
    }
    message = (
        f"Exit shares must add up to 1 (every instance exits somewhere); yours, "
        f"{np.round(got, 6).tolist()}, add up to {total:.6g}. "
        + next((h for v, h in hints.items() if np.isclose(total, v)), "")
    )
    assert np.isclose(total, 1.0), message
    message = (
        f"For A = [0.6, 0.75, 0.85] the shares are [1 - 0.85 + 0.6, 0.75 - 0.6, 0.85 - 0.75] = "
        f"[0.75, 0.15, 0.1]; you returned {np.round(got, 6).tolist()}."
    )
    assert np.allclose(got, [0.75, 0.15, 0.1]), message


# %%
def test_q2_sequential_cost(eq9_sequential_cost):
    import numpy as np
    assert callable(eq9_sequential_cost), (
        "eq9_sequential_cost is not defined: run the cell that defines it.")
    got = eq9_sequential_cost([1.0, 4.0, 10.0], [0.6, 0.75, 0.85])
    message = ("eq9_sequential_cost returned nothing: replace `...` by `return` and your closed "
               "form.")
    assert got is not None and got is not ..., message
    message = f"eq9_sequential_cost should return one number, got {got!r}."
    assert np.ndim(got) == 0, message
    got = float(got)
    hints = {
        2.35: "2.35 is the selection cost, Eq 9 itself: a cascade that stops at state i has also "
              "run states 1..i-1.",
        1.4: "Off by one: state j runs on the instances that state j - 1 (not state j) gets wrong "
             "and the largest state gets right, w_j = A_N - A_{j-1}.",
        2.0: "You left out R_1: every instance runs state 1.",
        5.1: "You let every instance that state j - 1 gets wrong climb, (1 - A_{j-1}); but the "
             "instances no state gets right stop at state 1: w_j = A_N - A_{j-1}.",
    }
    message = (
        f"For R = [1, 4, 10] and A = [0.6, 0.75, 0.85] the shares are [0.75, 0.15, 0.1] and a "
        f"cascade pays C = [1, 5, 15]: 0.75 * 1 + 0.15 * 5 + 0.1 * 15 = 3.0 GFLOPs. Your closed "
        f"form gives {got:.6g}. "
        + next((h for v, h in hints.items() if np.isclose(got, v)),
               "Hint: R_1 + sum_{j=2}^{N} w_j R_j; which share of instances runs state j?")
    )
    assert np.isclose(got, 3.0), message


# %%
def test_q2_against_the_library(eq9_shares, eq9_sequential_cost):
    import numpy as np
    from adaptlab import bounds
    assert callable(eq9_shares) and callable(eq9_sequential_cost), (
        "eq9_shares or eq9_sequential_cost is not defined: run the cell that defines them.")
    costs, accuracies = np.array([1.0, 3.0, 9.0, 27.0]), np.array([0.55, 0.68, 0.76, 0.80])
    want = bounds.conservative(costs, accuracies)
    shares, cost = eq9_shares(accuracies), eq9_sequential_cost(costs, accuracies)
    message = "eq9_shares or eq9_sequential_cost returned nothing: see the checks above."
    assert shares is not None and cost is not None and cost is not ..., message
    message = (
        f"On this notebook's family bounds.conservative(costs, accuracies).exit_share is "
        f"{np.round(want.exit_share, 6).tolist()}; eq9_shares gives "
        f"{np.round(np.asarray(shares, dtype=float), 6).tolist()}."
    )
    assert np.allclose(np.asarray(shares, dtype=float), want.exit_share), message
    message = (
        f"On this notebook's family the conservative oracle run as a cascade pays "
        f"{want.sequential_cost:.6g} GFLOPs (bounds.conservative(...).sequential_cost); your "
        f"closed form gives {float(cost):.6g}."
    )
    assert np.isclose(float(cost), want.sequential_cost), message


# %%
# HIDDEN
def test_q2_random_state_spaces(eq9_shares, eq9_sequential_cost):
    import numpy as np
    from adaptlab import bounds
    assert callable(eq9_shares) and callable(eq9_sequential_cost), "not defined."
    rng = np.random.default_rng(7)
    for n_states in [2, 3, 4, 6, 9, 12]:
        accuracies = np.sort(rng.choice(np.arange(100, 1000), n_states, replace=False)) / 1000
        costs = np.sort(rng.choice(np.arange(1, 10000), n_states, replace=False)) / 100
        want = bounds.conservative(costs, accuracies)
        shares = np.asarray(eq9_shares(accuracies), dtype=float)
        cost = float(eq9_sequential_cost(costs, accuracies))
        message = (
            f"On a random {n_states}-state space (R = {costs.tolist()}, "
            f"A = {accuracies.tolist()}): "
            f"expected shares {np.round(want.exit_share, 6).tolist()} and sequential cost "
            f"{want.sequential_cost:.6g}, got {np.round(shares, 6).tolist()} and {cost:.6g}."
        )
        assert shares.shape == want.exit_share.shape, message
        assert np.allclose(shares, want.exit_share), message
        assert np.isclose(cost, want.sequential_cost, rtol=1e-9), message


# %%
# HIDDEN
def test_q2_edge_cases(eq9_shares, eq9_sequential_cost):
    import numpy as np
    from adaptlab import bounds
    assert callable(eq9_shares) and callable(eq9_sequential_cost), "not defined."
    cases = {
        "one state": ([5.0], [0.7]),
        "two states": ([1.0, 10.0], [0.6, 0.8]),
        "largest state never wrong": ([1.0, 2.0, 8.0], [0.5, 0.9, 1.0]),
        "lists of integers for costs": ([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4]),
    }
    for name, (costs, accuracies) in cases.items():
        want = bounds.conservative(costs, accuracies)
        before = (list(costs), list(accuracies))
        shares = eq9_shares(accuracies)
        cost = eq9_sequential_cost(costs, accuracies)
        assert shares is not None and cost is not None, f"a function returned None ({name})."
        shares = np.asarray(shares, dtype=float)
        message = (
            f"Case '{name}' (R = {costs}, A = {accuracies}): expected shares "
            f"{np.round(want.exit_share, 6).tolist()} and sequential cost "
            f"{want.sequential_cost:.6g}, got {np.round(shares, 6).tolist()} and {cost!r}."
        )
        assert shares.shape == want.exit_share.shape, message
        assert np.allclose(shares, want.exit_share), message
        assert np.isclose(float(cost), want.sequential_cost), message
        assert (list(costs), list(accuracies)) == before, f"the input was changed ({name})."


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 2

# %% [markdown]
# ## Question 3 · Derive and measure: the constant-α line (2 points, about 15 minutes)
#
# Set every $\alpha_i$ of Eq 7 to one value $\alpha$ (Eq 8). Then
#
# $$R_{oracle}(\alpha) = R_{oracle}(0) + \alpha\, b, \qquad A_{oracle}(\alpha) = 1 + \alpha\, c,$$
#
# two straight lines in $\alpha$: as $\alpha$ runs from 0 to 1 the point
# $(R_{oracle}, A_{oracle})$ moves along a segment, from the optimistic end ($\alpha = 0$) to the
# conservative bound ($\alpha = 1$, Eq 9).
#
# 1. Read $R_{oracle}(0)$, the cost slope $b$ and the accuracy slope $c$ off Eq 7 (write them in
#    the cell below), and complete `eq8_line(costs, accuracies)`, which returns the three numbers
#    `(cost_at_0, cost_slope, accuracy_slope)`; numpy only.
# 2. Check the straight line numerically, without your formula: evaluate the library's Eq 8,
#    `bounds.constant_alpha(costs, accuracies, alpha)`, at the eleven values of `alpha_grid`,
#    store its `selection_cost`s in `line_costs` and its `accuracy`s in `line_accuracies`
#    (arrays), and set `curvature` to the largest absolute *second difference* of either array
#    (`np.diff(x, 2)`): zero for points on a straight line, up to rounding.

# %% [raw]
# # BEGIN PROMPT

# %% [markdown]
# *Your derivation:* $R_{oracle}(0) = \dots$, $\quad b = \dots$, $\quad c = \dots$

# %% [raw]
# # END PROMPT

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# *Derivation.* With $\alpha_i = \alpha$ for all $i > 1$, Eq 7 splits into the terms without
# $\alpha$ and those with it:
#
# $$R_{oracle}(\alpha) = \underbrace{R_1 + (R_2 - R_1)(1 - A_1)}_{R_{oracle}(0)}
#   + \alpha \underbrace{\Bigl[\sum_{i=3}^{N} (R_i - R_{i-1})(1 - A_{i-1}) - (R_N - R_1)(1 - A_N)\Bigr]}_{b},
#   \qquad A_{oracle}(\alpha) = 1 - \alpha (1 - A_N),$$
#
# so $c = -(1 - A_N)$. Both are affine in $\alpha$, so the point moves on a straight line (on linear
# axes) between $(R_{oracle}(0), 1)$ and Eq 9's $(R_{oracle}(1), A_N)$.

# %%
def eq8_line(costs, accuracies):
    """Eq 8 as two lines in alpha: R(alpha) = cost_at_0 + alpha b, A(alpha) = 1 + alpha c."""
    R = np.asarray(costs, dtype=float)
    A = np.asarray(accuracies, dtype=float)
    # BEGIN SOLUTION
    optimistic_cost = R[0] + (R[1] - R[0]) * (1 - A[0])
    bracket = np.sum((R[2:] - R[1:-1]) * (1 - A[1:-1])) - (R[-1] - R[0]) * (1 - A[-1])
    return optimistic_cost, float(bracket), -(1 - A[-1])
    # END SOLUTION


# %%
alpha_grid = np.linspace(0, 1, 11)
line_costs = np.array([bounds.constant_alpha(costs, accuracies, a).selection_cost for a in alpha_grid])  # SOLUTION
line_accuracies = np.array([bounds.constant_alpha(costs, accuracies, a).accuracy for a in alpha_grid])  # SOLUTION
curvature = np.abs(np.diff([line_costs, line_accuracies], 2)).max()  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("your Eq 8 line (cost_at_0, cost_slope, accuracy_slope):", eq8_line(costs, accuracies))
print("largest second difference along the line:", curvature)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q3_worked_example(eq8_line):
    import numpy as np
    assert callable(eq8_line), "eq8_line is not defined: run the cell that defines it."
    got = eq8_line([1.0, 4.0, 10.0], [0.6, 0.75, 0.85])
    message = ("eq8_line returned None: did you forget "
               "`return cost_at_0, cost_slope, accuracy_slope`?")
    assert got is not None, message
    message = (
        f"eq8_line should return three numbers, (cost_at_0, cost_slope, accuracy_slope); got "
        f"{got!r}."
    )
    assert isinstance(got, (tuple, list)) and len(got) == 3, message
    assert all(v is not None and v is not ... and np.ndim(v) == 0 for v in got), message
    cost_at_0, cost_slope, accuracy_slope = (float(value) for value in got)
    setting = "For R = [1, 4, 10], A = [0.6, 0.75, 0.85]"
    hints = {
        1.0: "At alpha = 0 the instances state 1 gets wrong (1 - A_1) still climb to state 2.",
        2.6: "An instance that climbs to state 2 pays R_2 instead of R_1: R_2 - R_1 more.",
    }
    message = (
        f"{setting}, R_oracle(0) = R_1 + (R_2 - R_1)(1 - A_1) = 2.2; your cost_at_0 is "
        f"{cost_at_0:.6g}. " + next((h for v, h in hints.items() if np.isclose(cost_at_0, v)), "")
    )
    assert np.isclose(cost_at_0, 2.2), message
    hints = {
        1.35: "You included (R_2 - R_1)(1 - A_1) in the slope: it has no alpha in Eq 7 (alpha_1 "
              "does not exist), it belongs to R_oracle(0). The sum runs over i = 3..N.",
        -0.45: "Inside the sum use (1 - A_{i-1}), not (1 - A_i): the appendix's slip again.",
        1.5: "You left out - (R_N - R_1)(1 - A_N): alpha_N multiplies that refund too.",
        0.0: "The refund is (R_N - R_1)(1 - A_N), not R_N (1 - A_N).",
    }
    message = (
        f"{setting}, the cost slope is b = (10 - 4)(1 - 0.75) - (10 - 1)(1 - 0.85) = 0.15; "
        f"yours is "
        f"{cost_slope:.6g}. " + next((h for v, h in hints.items() if np.isclose(cost_slope, v)), "")
    )
    assert np.isclose(cost_slope, 0.15), message
    hints = {
        0.15: "Check the sign: accuracy falls as alpha rises (more errors nobody can fix).",
        -0.85: "A_oracle(alpha) = 1 - alpha (1 - A_N): the slope is -(1 - A_N), not -A_N.",
    }
    message = (
        f"{setting}, A_oracle(alpha) = 1 - alpha (1 - A_N), so the accuracy slope is -0.15; yours "
        f"is {accuracy_slope:.6g}. "
        + next((h for v, h in hints.items() if np.isclose(accuracy_slope, v)), "")
    )
    assert np.isclose(accuracy_slope, -0.15), message


# %%
def test_q3_line_against_the_library(eq8_line, line_costs, line_accuracies, curvature):
    import numpy as np
    from adaptlab import bounds
    assert callable(eq8_line), "eq8_line is not defined: run the cell that defines it."
    costs, accuracies = np.array([1.0, 3.0, 9.0, 27.0]), np.array([0.55, 0.68, 0.76, 0.80])
    grid = np.linspace(0, 1, 11)
    points = [bounds.constant_alpha(costs, accuracies, a) for a in grid]
    want_costs = np.array([p.selection_cost for p in points])
    want_accuracies = np.array([p.accuracy for p in points])
    for name, value in [("line_costs", line_costs), ("line_accuracies", line_accuracies),
                        ("curvature", curvature)]:
        message = f"{name} is still the placeholder `...` (or not defined): compute it."
        assert value is not None and value is not ..., message
    for name, value, want in [("line_costs", line_costs, want_costs),
                              ("line_accuracies", line_accuracies, want_accuracies)]:
        value = np.asarray(value, dtype=float)
        message = (
            f"{name} should hold bounds.constant_alpha(costs, accuracies, alpha) at the 11 values "
            f"of alpha_grid: {np.round(want, 6).tolist()}; yours is {np.round(value, 6).tolist()}."
        )
        assert value.shape == want.shape and np.allclose(value, want), message
    message = (
        f"curvature should be one number, the largest |np.diff(x, 2)| of line_costs and "
        f"line_accuracies: about 1e-15 here, got {curvature!r}."
    )
    assert np.ndim(curvature) == 0 and 0 <= float(curvature) < 1e-9, message
    got = eq8_line(costs, accuracies)
    assert isinstance(got, (tuple, list)) and len(got) == 3, (
        "eq8_line should return three numbers: see the first check of question 3.")
    cost_at_0, cost_slope, accuracy_slope = (float(value) for value in got)
    message = (
        f"On this notebook's family the library's line goes from {want_costs[0]:.6g} GFLOPs at "
        f"alpha = 0 to {want_costs[-1]:.6g} at alpha = 1 (slope "
        f"{want_costs[-1] - want_costs[0]:.6g}); your eq8_line gives cost_at_0 = "
        f"{cost_at_0:.6g} and cost_slope = {cost_slope:.6g}."
    )
    assert np.isclose(cost_at_0, want_costs[0]), message
    assert np.allclose(cost_at_0 + grid * cost_slope, want_costs), message
    message = (
        f"On this notebook's family the accuracy goes from 1 to {want_accuracies[-1]:.6g}; your "
        f"accuracy_slope is {accuracy_slope:.6g}."
    )
    assert np.allclose(1 + grid * accuracy_slope, want_accuracies), message


# %%
# HIDDEN
def test_q3_random_state_spaces(eq8_line):
    import numpy as np
    from adaptlab import bounds
    assert callable(eq8_line), "eq8_line is not defined."
    rng = np.random.default_rng(11)
    for n_states in [2, 3, 5, 8, 10]:
        accuracies = np.sort(rng.choice(np.arange(500, 1000), n_states, replace=False)) / 1000
        costs = np.sort(rng.choice(np.arange(1, 5000), n_states, replace=False)) / 10
        got = eq8_line(costs, accuracies)
        assert isinstance(got, (tuple, list)) and len(got) == 3, f"eq8_line returned {got!r}."
        cost_at_0, cost_slope, accuracy_slope = (float(value) for value in got)
        for alpha in [0.0, 0.37, 1.0]:
            want = bounds.constant_alpha(costs, accuracies, alpha)
            message = (
                f"On a random {n_states}-state space (R = {costs.tolist()}, A = "
                f"{accuracies.tolist()}) at alpha = {alpha}: Eq 8 gives "
                f"({want.selection_cost:.6g}, {want.accuracy:.6g}); your line gives "
                f"({cost_at_0 + alpha * cost_slope:.6g}, "
                f"{1 + alpha * accuracy_slope:.6g})."
            )
            assert np.isclose(cost_at_0 + alpha * cost_slope, want.selection_cost,
                              rtol=1e-9), message
            assert np.isclose(1 + alpha * accuracy_slope, want.accuracy, rtol=1e-9), message


# %%
# HIDDEN
def test_q3_two_states_and_lists(eq8_line):
    import numpy as np
    assert callable(eq8_line), "eq8_line is not defined."
    got = eq8_line([2, 12], [0.7, 0.9])  # lists of ints; two states: the sum is empty
    assert isinstance(got, (tuple, list)) and len(got) == 3, f"eq8_line returned {got!r}."
    want = (2 + 10 * 0.3, -10 * 0.1, -0.1)
    message = f"For R = [2, 12], A = [0.7, 0.9] expected {want}, got {got!r}."
    assert np.allclose(np.asarray(got, dtype=float), want), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 3

# %% [markdown]
# ## Question 4 · Measure: when is the conservative bound tight? (3 points, about 20 minutes)
#
# The conservative bound (Eq 9) assumes nested errors, $\alpha = 1$. Real families have
# $\alpha_i < 1$ (the paper's Table 1 measures $\alpha_{min}$ between 0.52 and 0.90). How close to
# nested must errors be before the bound is close to the truth? Turn the simulator's
# `correlation` knob and measure. Compare at the same accuracy (Lecture 3, Section 6): the bound
# sits at $A_N$, so compare it with the exact oracle's least cost at accuracy $A_N$, read off its
# frontier.
#
# 1. Complete `knob_table(costs, accuracies, correlations, *, n_instances, seed)`. For each
#    correlation, simulate `correlated_models(accuracies, n_instances=n_instances,
#    correlation=correlation, seed=seed)` and append one row (a dict) with the columns of the
#    table below.
# 2. Complete `first_within(table, tolerance=0.05)`: the smallest correlation of the table at
#    which `exact_at_A_N` is within `tolerance` of the bound, relatively:
#    $|R_{bound} - R_{exact}(A_N)| \le \text{tolerance} \cdot R_{bound}$. Return the correlation
#    (a number), or `None` if no row is that close.
# 3. Run both on this notebook's family, on the grid `correlations`, into `table` and
#    `first_close`.
#
# | column | what | with |
# |---|---|---|
# | `correlation` | the knob | |
# | `alpha_N` | $\alpha_N$ measured on the matrix | `bounds.alphas` |
# | `exact_cost`, `exact_accuracy` | the exact oracle's $R_{oracle}$ and $A_{oracle}$ | `bounds.oracle` |
# | `bound_cost` | Eq 9's $R_{oracle}$, from the matrix's accuracies (its column means) | `bounds.conservative` |
# | `exact_at_A_N` | the exact oracle's least cost at accuracy $A_N$ | `oracle_frontier`, `cost_at_accuracy` |

# %% [raw]
# # BEGIN SOLUTION

# %%
def knob_table(costs, accuracies, correlations, *, n_instances=4000, seed=0):
    """The exact oracle and the conservative bound at each correlation of the simulator."""
    rows = []
    for correlation in correlations:
        correct = correlated_models(accuracies, n_instances=n_instances, correlation=correlation,
                                    seed=seed).correct
        # BEGIN SOLUTION
        oracle = bounds.oracle(correct, costs)
        measured = correct.mean(axis=0)
        frontier = oracle_frontier(correct, costs)
        rows.append({
            "correlation": float(correlation),
            "alpha_N": bounds.alphas(correct)[-1],
            "exact_cost": oracle.selection_cost,
            "exact_accuracy": oracle.accuracy,
            "bound_cost": bounds.conservative(costs, measured).selection_cost,
            "exact_at_A_N": cost_at_accuracy(frontier.cost, frontier.accuracy,
                                             target_accuracy=measured[-1]),
        })
        # END SOLUTION
    return pd.DataFrame(rows)


def first_within(table, tolerance=0.05):
    """The smallest correlation at which the exact oracle at A_N is within tolerance of Eq 9."""
    # BEGIN SOLUTION
    gap = (table["bound_cost"] - table["exact_at_A_N"]).abs()
    close = table.loc[gap <= tolerance * table["bound_cost"], "correlation"]
    return float(close.min()) if len(close) else None
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
correlations = np.round(np.linspace(0, 1, 51), 2)  # 0, 0.02, ..., 1

# %% [raw]
# # BEGIN SOLUTION

# %%
table = knob_table(costs, accuracies, correlations)  # SOLUTION
first_close = first_within(table)  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print(table)
print("first correlation at which the exact oracle at A_N is within 5% of Eq 9:", first_close)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q4_knob_table(knob_table):
    import numpy as np
    import pandas as pd
    from adaptlab import bounds
    from adaptlab.cascade import oracle_frontier
    from adaptlab.metrics import cost_at_accuracy
    from adaptlab.simulate import correlated_models
    assert callable(knob_table), "knob_table is not defined: run the cell that defines it."
    costs, accuracies = np.array([1.0, 4.0, 10.0]), np.array([0.6, 0.75, 0.85])
    correlations = [0.0, 0.6, 1.0]
    got = knob_table(costs, accuracies, correlations, n_instances=1000, seed=1)
    message = "knob_table should return a pandas DataFrame (pd.DataFrame(rows)), got {!r}."
    assert isinstance(got, pd.DataFrame), message.format(type(got))
    columns = ["correlation", "alpha_N", "exact_cost", "exact_accuracy", "bound_cost",
               "exact_at_A_N"]
    missing = [c for c in columns if c not in got.columns]
    message = (
        f"knob_table's table has no column {missing} (it has {list(got.columns)}): append one dict "
        "per correlation with the keys of the table in question 4."
    )
    assert not missing, message
    message = f"One row per correlation: 3 rows for {correlations}, got {len(got)}."
    assert len(got) == 3, message
    for row, correlation in zip(got.itertuples(), correlations):
        sim = correlated_models(accuracies, n_instances=1000, correlation=correlation,
                                seed=1).correct
        exact = bounds.oracle(sim, costs)
        A_N = sim[:, -1].mean()
        path = oracle_frontier(sim, costs)
        want = {
            "correlation": correlation,
            "alpha_N": bounds.alphas(sim)[-1],
            "exact_cost": exact.selection_cost,
            "exact_accuracy": exact.accuracy,
            "bound_cost": bounds.conservative(costs, sim.mean(axis=0)).selection_cost,
            "exact_at_A_N": cost_at_accuracy(path.cost, path.accuracy,
                                             target_accuracy=A_N),
        }
        hints = {
            "alpha_N": {np.nanmean(bounds.alphas(sim)[1:]): "That is the mean alpha; "
                        "alpha_N is the last entry of bounds.alphas(correct)."},
            "exact_cost": {exact.sequential_cost: "That is the sequential cost; R_oracle is "
                           "the selection_cost."},
            "bound_cost": {bounds.conservative(costs, sim.mean(axis=0)).sequential_cost:
                           "That is Eq 9's sequential cost; use its selection_cost."},
            "exact_at_A_N": {exact.selection_cost: "That is the oracle at its own accuracy "
                             "A_oracle. At A_N (the largest state's accuracy, "
                             "correct[:, -1].mean()) it pays less: read it off "
                             "oracle_frontier(correct, costs) with cost_at_accuracy.",
                             costs[-1]: "That is R_N, the largest state alone: the oracle "
                             "reaches A_N much cheaper, on its frontier."},
        }
        for column, expected in want.items():
            value = float(getattr(row, column))
            hint = next((h for v, h in hints.get(column, {}).items() if np.isclose(value, v)), "")
            message = (
                f"knob_table(R = [1, 4, 10], A = [0.6, 0.75, 0.85], correlations {correlations}, "
                f"n_instances=1000, seed=1): at correlation {correlation} the column {column} "
                f"should be {expected:.6g}, got {value:.6g}. {hint}"
            )
            assert np.isclose(value, expected, rtol=1e-9, atol=1e-12), message


# %%
def test_q4_first_within(first_within):
    import numpy as np
    import pandas as pd
    assert callable(first_within), "first_within is not defined: run the cell that defines it."
    table = pd.DataFrame({
        "correlation": [0.0, 0.5, 0.8, 0.9, 1.0],
        "exact_cost": [10.4, 10.6, 11.0, 10.2, 10.0],
        "exact_accuracy": [0.99, 0.97, 0.93, 0.91, 0.9],
        "bound_cost": [10.0, 10.0, 10.0, 10.0, 10.0],
        "exact_at_A_N": [5.0, 9.0, 9.6, 9.98, 10.0],
    })
    got = first_within(table)
    hints = {
        0.0: "You compared exact_cost, the oracle at its own (higher) accuracy, with the bound: "
             "compare exact_at_A_N, the oracle at the bound's accuracy A_N.",
        0.9: "Did you use an absolute tolerance (|difference| <= 0.05 GFLOPs)? 'Within 5%' is "
             "relative: |bound - exact| <= 0.05 * bound.",
        1.0: "That is the last close row; the question asks for the first (smallest) correlation.",
        2.0: "You returned the row number; return the correlation of that row.",
    }
    value = np.nan if got is None or got is ... or np.ndim(got) != 0 else float(got)
    message = (
        "On a table with bound_cost 10 everywhere and exact_at_A_N = [5, 9, 9.6, 9.98, 10] at "
        "correlations [0, 0.5, 0.8, 0.9, 1], the first row within 5% (9.6 >= 9.5) is at "
        f"correlation 0.8; first_within returned {got!r}. "
        + next((h for v, h in hints.items() if np.isclose(value, v)), "")
    )
    assert np.isclose(value, 0.8), message
    got = first_within(table, tolerance=0.2)
    message = (
        f"With tolerance=0.2 the first close row is at correlation 0.5 (9 >= 8); first_within "
        f"returned {got!r}. Did you use the tolerance argument instead of 0.05?"
    )
    assert got is not None and np.isclose(float(got), 0.5), message
    got = first_within(table, tolerance=0.0)
    message = (f"With tolerance=0 only the row where the two are equal is close (correlation 1); "
               f"first_within returned {got!r}.")
    assert got is not None and np.isclose(float(got), 1.0), message


# %%
def test_q4_this_family(table, first_close):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.cascade import oracle_frontier
    from adaptlab.metrics import cost_at_accuracy
    from adaptlab.simulate import correlated_models
    for name, value in [("table", table), ("first_close", first_close)]:
        message = f"{name} is still the placeholder `...` (or not defined): run your functions."
        assert value is not ... and value is not None, message
    costs, accuracies = np.array([1.0, 3.0, 9.0, 27.0]), np.array([0.55, 0.68, 0.76, 0.80])
    correlations = np.round(np.linspace(0, 1, 51), 2)
    message = f"table should have one row per correlation of the grid, 51, got {len(table)}."
    assert len(table) == 51, message
    want = None
    for correlation in correlations:
        sim = correlated_models(accuracies, n_instances=4000, correlation=correlation,
                                seed=0).correct
        path = oracle_frontier(sim, costs)
        at_A_N = cost_at_accuracy(path.cost, path.accuracy,
                                  target_accuracy=sim[:, -1].mean())
        bound = bounds.conservative(costs, sim.mean(axis=0)).selection_cost
        if abs(bound - at_A_N) <= 0.05 * bound:
            want = correlation
            break
    message = (
        f"On this notebook's family (n_instances=4000, seed=0) the exact oracle at A_N first "
        f"comes within 5% of Eq 9 at correlation {want}; first_close is {first_close!r}. Run the "
        "two checks above first."
    )
    assert np.ndim(first_close) == 0 and np.isclose(float(first_close), want), message


# %%
# HIDDEN
def test_q4_other_families_and_seeds(knob_table, first_within):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.cascade import oracle_frontier
    from adaptlab.metrics import cost_at_accuracy
    from adaptlab.simulate import correlated_models
    assert callable(knob_table) and callable(first_within), "not defined."
    cases = [([0.5, 2.0], [0.7, 0.9], 3), ([1.0, 2.0, 4.0, 8.0, 16.0], [0.4, 0.5, 0.6, 0.7, 0.75],
                                           5), ([1.0, 3.0, 9.0, 27.0], [0.55, 0.68, 0.76, 0.80], 2)]
    correlations = [0.0, 0.3, 0.7, 0.95, 1.0]
    for costs, accuracies, seed in cases:
        costs, accuracies = np.array(costs), np.array(accuracies)
        got = knob_table(costs, accuracies, correlations, n_instances=800, seed=seed)
        for row, correlation in zip(got.itertuples(), correlations):
            sim = correlated_models(accuracies, n_instances=800, correlation=correlation,
                                    seed=seed).correct
            exact = bounds.oracle(sim, costs)
            path = oracle_frontier(sim, costs)
            want = [bounds.alphas(sim)[-1], exact.selection_cost, exact.accuracy,
                    bounds.conservative(costs, sim.mean(axis=0)).selection_cost,
                    cost_at_accuracy(path.cost, path.accuracy,
                                     target_accuracy=sim[:, -1].mean())]
            values = [row.alpha_N, row.exact_cost, row.exact_accuracy, row.bound_cost,
                      row.exact_at_A_N]
            message = (
                f"knob_table(R = {costs.tolist()}, A = {accuracies.tolist()}, seed {seed}) at "
                f"correlation {correlation}: expected (alpha_N, exact_cost, exact_accuracy, "
                f"bound_cost, exact_at_A_N) = {np.round(want, 6).tolist()}, got "
                f"{np.round(np.asarray(values, dtype=float), 6).tolist()}."
            )
            assert np.allclose(np.asarray(values, dtype=float), want, rtol=1e-9), message
        gap = (got["bound_cost"] - got["exact_at_A_N"]).abs() <= 0.05 * got["bound_cost"]
        want_first = float(got.loc[gap, "correlation"].min())
        message = f"first_within on that table should be {want_first}, got {first_within(got)!r}."
        assert np.isclose(float(first_within(got)), want_first), message


# %%
# HIDDEN
def test_q4_first_within_edge_cases(first_within):
    import numpy as np
    import pandas as pd
    assert callable(first_within), "first_within is not defined."
    never = pd.DataFrame({"correlation": [0.0, 0.5], "exact_cost": [3.0, 3.0],
                          "exact_accuracy": [0.9, 0.9], "bound_cost": [3.0, 3.0],
                          "exact_at_A_N": [1.0, 2.0]})
    got = first_within(never)
    assert got is None, f"No row is within 5% (1 and 2 vs 3): expected None, got {got!r}."
    unordered = pd.DataFrame({"correlation": [1.0, 0.2, 0.6], "exact_cost": [3.0, 3.0, 3.0],
                              "exact_accuracy": [0.9, 0.9, 0.9], "bound_cost": [3.0, 3.0, 3.0],
                              "exact_at_A_N": [3.0, 1.0, 2.9]})
    got = first_within(unordered)
    message = (f"With rows not sorted by correlation, the smallest close correlation is 0.6; got "
               f"{got!r}.")
    assert got is not None and np.isclose(float(got), 0.6), message
    one = pd.DataFrame({"correlation": [1.0], "exact_cost": [2.0], "exact_accuracy": [0.8],
                        "bound_cost": [2.0], "exact_at_A_N": [2.0]})
    got = first_within(one)
    message = f"One close row, at correlation 1: expected 1.0, got {got!r}."
    assert got is not None and np.isclose(float(got), 1.0), message


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
# ## Question 5 · Explain: compare at the same accuracy (2 points, about 10 minutes)
#
# A classmate looks at the first row of your table and writes: *"At correlation 0 the exact
# oracle costs more than the conservative bound. So the 'worst case' α = 1 is not a worst case, and
# the bound is wrong."* Run the cell below (it computes with the library, not with your answers),
# then answer in 4-6 sentences, quoting the printed numbers:
#
# 1. What is wrong with the classmate's comparison? What else differs between the two points?
# 2. Which comparison is fair, and what does it show here?
# 3. What does the conservative bound guarantee, and what can it not tell you? Use what you
#    measured in question 4 (how large must $\alpha_N$ be before the bound is within 5%?).

# %%
for correlation in [0.0, 0.9]:
    matrix = correlated_models(accuracies, n_instances=4000, correlation=correlation,
                               seed=0).correct
    oracle = bounds.oracle(matrix, costs)
    bound = bounds.conservative(costs, matrix.mean(axis=0))
    frontier = oracle_frontier(matrix, costs)
    at_A_N = cost_at_accuracy(frontier.cost, frontier.accuracy, target_accuracy=bound.accuracy)
    print(f"correlation {correlation}: alpha_N = {bounds.alphas(matrix)[-1]:.3f}")
    for label, cost, accuracy in [("exact oracle", oracle.selection_cost, oracle.accuracy),
                                  ("conservative bound", bound.selection_cost, bound.accuracy),
                                  ("exact oracle at A_N", at_A_N, bound.accuracy)]:
        print(f"  {label + ':':21}{cost:.3f} GFLOPs at accuracy {accuracy:.4f}")

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.** The two points sit at different accuracies: at correlation 0 the exact oracle
# answers every instance that some state gets right, so it reaches about 0.99 accuracy (3.18
# GFLOPs), while the bound sits at $A_N = 0.80$ (2.94 GFLOPs). It pays the extra cost for accuracy
# that no single model has; cost alone compares nothing. The fair comparison holds accuracy fixed:
# on its frontier the exact oracle reaches $A_N$ for 1.50 GFLOPs, about half of the bound, so the
# bound is conservative, as it must be (at $A_N$ the exact oracle never costs more than Eq 9, and
# equals it when errors are nested). At correlation 0.9 the same holds (about 2.2 vs 2.9 GFLOPs at
# $A_N$). The bound guarantees one thing: an oracle can match the largest state's accuracy for at
# most the Eq 9 cost, from published costs and accuracies alone. It says nothing about the
# accuracy an adaptive agent can add, nor how far below the bound the true cost is: in question 4
# it came within 5% only at correlation 0.98, with $\alpha_N$ about 0.96, far above the
# $\alpha_{min}$ of 0.52-0.90 the paper measures, so for real families it is a loose (safe) bound.
#
# **Rubric (2 points).**
# * 1 point: the two points are at different accuracies (quotes about 0.99 vs 0.80, or the
#   printed costs); the exact oracle pays for accuracy gained; comparing costs at different
#   accuracies is meaningless. (0.5 if the accuracies are not named as the difference.)
# * 0.5 point: the fair comparison is at $A_N$ on the oracle's frontier, cheaper than the bound
#   (quotes about 1.5 vs 2.9 GFLOPs at correlation 0).
# * 0.5 point: what the bound guarantees (the cost of matching $A_N$ is at most Eq 9) and what it
#   cannot tell (accuracy gain; tightness: within 5% only when $\alpha_N$ is near 1, about 0.96
#   at correlation 0.98).

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q6
# manual: true
# points: 2

# %% [markdown]
# ## Question 6 · Explain: the rows of Table 1 that cannot be rebuilt (2 points, about 10 minutes)
#
# `adaptlab.published.table1()` rebuilds the paper's Table 1 (its α = 1 columns) with Eq 9 from
# per-model figures that have a citable source, and says for each row what matches and what does
# not. Run the cell below, then answer in 4-6 sentences:
#
# 1. Why can the two SOTA rows (and Pythia's) not be rebuilt? What exactly would you need to
#    rebuild one of them with Eq 9, and why is a plot of a leaderboard's envelope not enough?
# 2. The EfficientNet and Llama-2 rows can be rebuilt, yet do not give the paper's numbers
#    exactly. Why? Which quantity in Eq 9 makes it sensitive to small changes in the accuracies?

# %%
rebuilt = table1()
print(rebuilt[["family", "states", "paper A_N", "A_N", "paper R_ratio", "R_ratio", "matches"]])
for row in rebuilt.itertuples():
    print(f"{row.family:>12}: {row.note}")

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.** Eq 9 needs every state's cost $R_i$ and accuracy $A_i$, on the Pareto
# frontier and measured the same way: it sums $(R_i - R_1)(A_i - A_{i-1})$ over consecutive
# states. The SOTA rows are envelopes of leaderboards (Papers with Code for ImageNet, the Hugging
# Face Open LLM leaderboard for HellaSwag, as of January 2024) that the paper does not list model by
# model, so the states, their order and their accuracy steps are unknown; Pythia's per-model
# HellaSwag accuracies are not published in a citable table. To rebuild one, you would need the
# list of models on the envelope at that date, each with its cost (FLOPs per instance) and its
# accuracy on the same benchmark and protocol; a plot gives neither exact values nor which points
# are separate models. The rows that can be rebuilt differ because the paper measured its own
# accuracies (its EfficientNet $A_N$ is 83.95%, torchvision's card says 84.12%; its Llama-2 70B
# 83.79% vs 85.3%) and, for ViT, because the subset of weights it used is unknown. Eq 9 depends on
# the accuracy *steps* $A_i - A_{i-1}$, small differences of large numbers: a change of a few
# tenths of a point in one accuracy moves a step by a large fraction, and $R_{ratio}$ with it.
#
# **Rubric (2 points).**
# * 1 point: SOTA (and Pythia) rows: the per-model costs and accuracies are not published model by
#   model; Eq 9 needs every state's $(R_i, A_i)$ on the frontier, measured alike; a leaderboard
#   envelope or plot does not give them. (0.5 if the answer only says "data missing" without
#   saying which data Eq 9 needs.)
# * 1 point: rebuilt rows differ because the paper re-measured accuracies (quotes 83.95% vs
#   84.12%, or Llama-2's) or used an unknown ViT subset; and Eq 9 is sensitive to the accuracy
#   steps $A_i - A_{i-1}$. (0.5 for one of the two.)

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION

# %% [markdown]
# ## Before you submit
#
# Restart the kernel and run all cells (*Kernel → Restart Kernel and Run All Cells*), check that
# every `grader.check` passes, and that your answers to questions 5 and 6 quote the numbers your
# notebook printed. Then submit this `.ipynb` file.
#
# *Reference:* S. Hor, Y. Qian, M. Pilanci, A. Arbabian, *Adaptive Inference: Theoretical Limits and
# Unexplored Opportunities* (Eq 6-9, Table 1, Appendix A.2).
