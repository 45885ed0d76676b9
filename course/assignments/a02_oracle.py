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
# name: a02_oracle
# init_cell: true
# check_all_cell: true
# export_cell: false
# tests:
#   files: false
#   ok_format: false
# generate: true

# %% [markdown]
# # Assignment 2 · The adaptive oracle
#
# The adaptive oracle of Hor, Qian, Pilanci & Arbabian knows, for every input, which states of a
# state space answer it correctly, and pays for the cheapest one. No router that chooses among the
# same states can do better, so everything later in the course is measured against it. In this
# assignment you build it from its definition, derive its two-state cost from the paper's
# Figure 1, measure α on a simulated model family, and explain what the oracle is and is not.
#
# | question | skill | points |
# |---|---|---|
# | 1 · the oracle's choice | implement (Eq 4) | 2 |
# | 2 · the oracle's costs and accuracy | implement (Eq 5) | 3 |
# | 3 · two states in closed form | derive (Figure 1; the paper's Eq 7 with N = 2) | 3 |
# | 4 · α on a model family | measure (Eq 6; Eq 7 through `bounds.general`) | 3 |
# | 5 · not a label oracle | explain (graded by hand) | 2 |
# | 6 · selection vs sequential cost | explain (graded by hand) | 2 |
# | **total** | 11 checked automatically, 4 by hand | **15** |
#
# *Estimated time:* 60-75 minutes. *Prerequisites:* Lecture 2 (the adaptive oracle); numpy
# arrays, boolean masks, averages.
#
# **How the checks work.** After each answer, run the `grader.check("q1")` cell below it. A failing
# check says what it expected and gives a hint; fix your answer and run both cells again. A passing
# check means your answer is right on the cases shown to you. When the assignment is graded, more
# cases are checked (random matrices, one state, no state ever right, ...): test your functions
# on your own cases too. Questions 5 and 6 are read and graded by hand.
#
# **Rules.** Write questions 1-4 with numpy only: do not call `bounds.oracle` or `bounds.alphas`
# inside your functions (using them to compare your results is a good idea). Run the whole notebook
# top to bottom before you submit (*Run → Run All Cells*), then submit this `.ipynb` file.
#
# **Notation** (the paper counts states from 1, Python from 0: the paper's state 1 is column 0)
#
# | symbol | meaning | in code |
# |---|---|---|
# | $N$ | number of states, ordered by ascending cost | `correct.shape[1]` |
# | $R_i$ | cost of state $i$ per instance (GFLOPs here) | `costs[i - 1]` |
# | $A_i$ | accuracy of state $i$, a fraction | `correct[:, i - 1].mean()` |
# | `correct[x, i]` | is state `i` right on instance `x`? | an (n, N) boolean matrix |
# | $R_{oracle}$, $A_{oracle}$ | the oracle's expected cost and accuracy (Eq 5) | `selection_cost`, `accuracy` |
# | $C_i = R_1 + \dots + R_i$ | what a cascade that stops at state $i$ has paid | `bounds.sequential_costs(costs)` |
# | $\alpha_i$ | $P(\text{states } 1..i-1 \text{ all wrong} \mid \text{state } i \text{ wrong})$ (Eq 6) | `bounds.alphas(correct)` |

# %%
import numpy as np

from adaptlab import bounds
from adaptlab.simulate import correlated_models

# Figure 1 of the paper as four instances (rows) of a two-state space (columns: small, large).
# 1 = the state is right (accurate, A), 0 = it is wrong (inaccurate, I).
figure_1 = np.array([
    [1, 1],  # AA: both right
    [0, 1],  # IA: only the large state is right
    [0, 0],  # II: neither is right
    [1, 0],  # AI: only the small state is right
], dtype=bool)

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 2

# %% [markdown]
# ## Question 1 · Implement: the oracle's choice (2 points, about 10 minutes)
#
# Definition 2.1 (Eq 4): for every instance $x$, the adaptive oracle picks the cheapest state that
# classifies $x$ correctly; **if no state does, it picks the smallest state**, state 1: it must
# still answer, and that is the cheapest way to be wrong.
#
# States are sorted by cost, so "the cheapest correct state" is the first correct state of the row.
# Complete `oracle_choice(correct)`: for an (n, N) matrix of booleans (or 0/1), return an integer
# array of shape (n,) holding, for each instance, the column index of the state the oracle picks
# (0 for the smallest state).

# %% [raw]
# # BEGIN SOLUTION

# %%
def oracle_choice(correct):
    """For each instance (row), the column index of the state the adaptive oracle picks (Eq 4)."""
    correct = np.asarray(correct, dtype=bool)
    # BEGIN SOLUTION
    n_instances, n_states = correct.shape
    choice = np.zeros(n_instances, dtype=int)  # no state right: the smallest state, 0
    for x in range(n_instances):
        right = np.flatnonzero(correct[x])  # the states that are right on x, cheapest first
        if right.size > 0:
            choice[x] = right[0]  # the cheapest correct state
    # (In one line: correct.argmax(axis=1), since argmax returns the first True, or 0 if none.)
    return choice
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print("your choice on Figure 1's four instances:", oracle_choice(figure_1))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q1_returns_one_index_per_instance(oracle_choice):
    import numpy as np
    assert callable(oracle_choice), "oracle_choice is not defined: run the cell that defines it."
    got = oracle_choice(np.array([[1, 1], [0, 1], [0, 0], [1, 0]], dtype=bool))
    assert got is not None, "oracle_choice returned None: did you forget the `return` line?"
    got = np.asarray(got)
    message = (
        f"oracle_choice should return one state index per instance (row): shape (4,) for "
        f"Figure 1's four instances, got shape {got.shape}. Loop over the rows, or work on "
        f"all rows at once with axis=1."
    )
    assert got.shape == (4,), message
    message = (
        f"oracle_choice should return integer column indices (0 = the smallest state), got "
        f"dtype {got.dtype}. Start from np.zeros(n, dtype=int)."
    )
    assert np.issubdtype(got.dtype, np.integer), message


# %%
def test_q1_figure_1(oracle_choice):
    import numpy as np
    assert callable(oracle_choice), "oracle_choice is not defined: run the cell that defines it."
    got = oracle_choice(np.array([[1, 1], [0, 1], [0, 0], [1, 0]], dtype=bool))
    assert got is not None, "oracle_choice returned None: did you forget the `return` line?"
    got = np.asarray(got).ravel().tolist()
    want = [0, 1, 0, 0]
    why = [
        "On AA (both states right) the oracle takes the cheaper one, state 0.",
        "On IA (only the large state right) the oracle must pay for state 1.",
        "On II (no state right) the oracle still answers, with the smallest state 0 (Eq 4: "
        "'R_1 otherwise'). Did you pick the largest state when no state is right?",
        "On AI (only the small state right) the oracle takes state 0.",
    ]
    wrong = [x for x in range(4) if len(got) != 4 or got[x] != want[x]]
    message = (f"On Figure 1's instances (AA, IA, II, AI) the oracle picks {want}, "
               f"you returned {got}.")
    if wrong:
        message += " " + why[wrong[0]]
    assert not wrong, message


# %%
# HIDDEN
def test_q1_random_matrices(oracle_choice):
    import numpy as np
    from adaptlab import bounds
    assert callable(oracle_choice), "oracle_choice is not defined."
    for seed, (n, n_states) in enumerate([(200, 2), (150, 3), (120, 5), (80, 6)]):
        rng = np.random.default_rng(seed)
        correct = rng.random((n, n_states)) < np.linspace(0.3, 0.8, n_states)
        want = bounds.oracle(correct, np.arange(1.0, n_states + 1)).choice
        got = oracle_choice(correct)
        assert got is not None, "oracle_choice returned None."
        got = np.asarray(got).ravel()
        assert got.shape == want.shape, (
            f"On a random {n}x{n_states} matrix oracle_choice returned shape {got.shape}, "
            f"expected {want.shape}."
        )
        rows = np.flatnonzero(got != want)
        message = f"On a random {n}x{n_states} matrix (seed {seed}) oracle_choice is right."
        if rows.size:
            row = rows[0]
            message = (
                f"On a random {n}x{n_states} matrix (seed {seed}) oracle_choice differs from the "
                f"oracle on {rows.size} instances; e.g. the row "
                f"{correct[row].astype(int).tolist()} needs state {want[row]}, you chose "
                f"{got[row]}."
            )
        assert rows.size == 0, message


# %%
# HIDDEN
def test_q1_edge_cases(oracle_choice):
    import numpy as np
    assert callable(oracle_choice), "oracle_choice is not defined."
    cases = {
        "one state": (np.array([[1], [0], [1]]), [0, 0, 0]),
        "no state ever right": (np.zeros((3, 4), dtype=int), [0, 0, 0]),
        "every state always right": (np.ones((3, 4), dtype=bool), [0, 0, 0]),
        "only the largest state right": (np.array([[0, 0, 0, 1], [0, 0, 1, 1]]), [3, 2]),
    }
    for name, (correct, want) in cases.items():
        got = oracle_choice(correct)
        assert got is not None, f"oracle_choice returned None ({name})."
        got = np.asarray(got).ravel().tolist()
        message = f"Case '{name}' (0/1 matrix {correct.tolist()}): expected {want}, got {got}."
        assert got == want, message


# %%
# HIDDEN
def test_q1_does_not_modify_input(oracle_choice):
    import numpy as np
    assert callable(oracle_choice), "oracle_choice is not defined."
    correct = np.array([[0, 1, 1], [0, 0, 0], [1, 0, 1]], dtype=bool)
    before = correct.copy()
    got = oracle_choice(correct)
    assert got is not None, "oracle_choice returned None."
    assert np.asarray(got).ravel().tolist() == [1, 0, 0], (
        f"Expected [1, 0, 0] on {before.astype(int).tolist()}, got {np.asarray(got).tolist()}.")
    assert np.array_equal(correct, before), "oracle_choice changed the matrix it was given."


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# ## Question 2 · Implement: the oracle's costs and accuracy (3 points, about 15 minutes)
#
# Eq 5 gives the oracle's expected cost and accuracy. On a finite set of instances, an expectation
# is an average over the instances:
#
# * the **selection cost** $R_{oracle}$ is the average, over instances, of the cost of the state
#   the oracle picks: only that state is paid;
# * the **sequential cost** is what a cascade pays that runs the states one after another and
#   stops at the state the oracle picks: stopping at state $i$ costs $C_i = R_1 + \dots + R_i$
#   (`bounds.sequential_costs(costs)`, or `np.cumsum(costs)`);
# * the **accuracy** $A_{oracle}$ is the share of instances the oracle gets right.
#
# Complete the three lines of `oracle_costs`. It uses your `oracle_choice` from question 1: make
# sure `grader.check("q1")` passes first.

# %% [raw]
# # BEGIN SOLUTION

# %%
def oracle_costs(correct, costs):
    """Selection cost (R_oracle), sequential cost and accuracy (A_oracle) of the oracle (Eq 5)."""
    correct = np.asarray(correct, dtype=bool)
    costs = np.asarray(costs, dtype=float)
    choice = oracle_choice(correct)  # your function from question 1
    selection_cost = costs[choice].mean()  # SOLUTION
    sequential_cost = np.cumsum(costs)[choice].mean()  # SOLUTION
    accuracy = correct.any(axis=1).mean()  # SOLUTION
    return selection_cost, sequential_cost, accuracy


# %% [raw]
# # END SOLUTION

# %%
print("on Figure 1 with costs [1, 10] GFLOPs:", oracle_costs(figure_1, [1.0, 10.0]))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q2_returns_three_numbers(oracle_costs):
    import numpy as np
    assert callable(oracle_costs), "oracle_costs is not defined: run the cell that defines it."
    got = oracle_costs(np.array([[1, 1], [0, 1], [0, 0], [1, 0]], dtype=bool), [1.0, 10.0])
    message = (
        "oracle_costs should return three numbers, (selection_cost, sequential_cost, accuracy); "
        f"got {got!r}."
    )
    assert isinstance(got, tuple) and len(got) == 3, message
    for name, value in zip(("selection_cost", "sequential_cost", "accuracy"), got):
        message = f"{name} is still the placeholder `...`: replace it with its formula."
        assert value is not ..., message
        message = (
            f"{name} should be one number (an average over the instances), got {value!r}. "
            "Did you forget .mean()?"
        )
        assert value is not None and np.ndim(value) == 0, message


# %%
def test_q2_figure_1(oracle_costs):
    import numpy as np
    assert callable(oracle_costs), "oracle_costs is not defined: run the cell that defines it."
    got = oracle_costs(np.array([[1, 1], [0, 1], [0, 0], [1, 0]], dtype=bool), [1.0, 10.0])
    message = "oracle_costs should return three numbers: see the first check of question 2."
    assert isinstance(got, tuple) and len(got) == 3 and all(v is not ... for v in got), message
    selection, sequential, accuracy = (float(value) for value in got)
    setting = "On Figure 1's four instances with costs R = [1, 10] GFLOPs"
    hints = {
        0.5: "0.5 is the large state's own accuracy A_N. The oracle is right on an instance "
             "when ANY state is right: here on 3 of the 4 instances (all but II).",
        1.0: "1.0 would be a label oracle. The adaptive oracle cannot fix instance II, where "
             "no state is right: A_oracle = 1 - P(e_N).",
        0.25: "0.25 is the share of instances no state gets right, P(e_N); A_oracle is 1 minus it.",
    }
    message = (
        f"{setting} the oracle's accuracy is 0.75 (right on AA, IA and AI), you returned "
        f"{accuracy:.4g}. " + next((h for v, h in hints.items() if np.isclose(accuracy, v)), "")
    )
    assert np.isclose(accuracy, 0.75), message
    hints = {
        5.5: "You paid for the large state on instance II, where no state is right (did you pay "
             "for the smallest state when no state is right? Eq 4: R_1 otherwise), or averaged "
             "the costs of the states instead of the costs of the states picked.",
        3.0: "You paid nothing on instance II: the oracle still answers it, with the smallest "
             "state, and pays R_1.",
        3.5: "3.5 is the sequential cost: the selection cost pays only the state picked.",
    }
    message = (
        f"{setting} the oracle picks states [0, 1, 0, 0] and pays (1 + 10 + 1 + 1) / 4 = 3.25 "
        f"on average; your selection_cost is {selection:.4g}. "
        + next((h for v, h in hints.items() if np.isclose(selection, v)), "")
    )
    assert np.isclose(selection, 3.25), message
    hints = {
        3.25: "That is the selection cost. A cascade that stops at state 1 has run state 0 "
              "first: on instance IA it pays 1 + 10 = 11, not 10 (np.cumsum(costs)).",
        6.0: "On instance II the oracle answers with state 0, so the cascade stops there and "
             "pays 1, not 1 + 10.",
    }
    message = (
        f"{setting} a cascade that stops where the oracle picks pays [1, 11, 1, 1], 3.5 on "
        f"average; your sequential_cost is {sequential:.4g}. "
        + next((h for v, h in hints.items() if np.isclose(sequential, v)), "")
    )
    assert np.isclose(sequential, 3.5), message


# %%
def test_q2_random_matrix(oracle_costs):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.simulate import correlated_models
    assert callable(oracle_costs), "oracle_costs is not defined: run the cell that defines it."
    costs = np.array([1.0, 4.0, 20.0])
    correct = correlated_models([0.5, 0.7, 0.8], n_instances=300, correlation=0.5, seed=7).correct
    got = oracle_costs(correct, costs)
    message = "oracle_costs should return three numbers: see the first check of question 2."
    assert isinstance(got, tuple) and len(got) == 3 and all(v is not ... for v in got), message
    selection, sequential, accuracy = (float(value) for value in got)
    want = bounds.oracle(correct, costs)
    message = (
        f"R_oracle should not exceed R_N = {costs[-1]:g}: the oracle pays for one state per "
        f"instance, and no state costs more than R_N. Your selection_cost is {selection:.4g}. "
        "Did you add up the costs of the states before it? (That is the sequential cost.)"
    )
    assert selection <= costs[-1] + 1e-9, message
    message = (
        f"The sequential cost ({sequential:.4g}) should be at least the selection cost "
        f"({selection:.4g}): a cascade that stops at state i has paid R_1 + ... + R_i >= R_i."
    )
    assert sequential >= selection - 1e-9, message
    # What the usual mistakes give on this matrix, to name them.
    none_right = ~correct.any(axis=1)
    largest_if_none = np.where(none_right, costs.size - 1, correct.argmax(axis=1))
    hints = {
        "accuracy": {correct[:, -1].mean(): "That is the largest state's accuracy A_N; the "
                     "oracle is right when any state is right."},
        "selection_cost": {costs[largest_if_none].mean(): "You paid for the largest state where "
                           "no state is right: did you pay for the smallest state when no state "
                           "is right? (Check question 1.)"},
        "sequential_cost": {np.cumsum(costs)[largest_if_none].mean(): "Where no state is right "
                            "the oracle answers with state 0: the cascade stops there."},
    }
    for name, value, expected in [
        ("accuracy", accuracy, want.accuracy),
        ("selection_cost", selection, want.selection_cost),
        ("sequential_cost", sequential, want.sequential_cost),
    ]:
        hint = next((h for v, h in hints[name].items() if np.isclose(value, v)), "")
        message = (
            f"On a simulated 300x3 matrix with costs {costs.tolist()}, {name} should be "
            f"{expected:.6g}, got {value:.6g}. {hint}"
        )
        assert np.isclose(value, expected, rtol=1e-9, atol=1e-12), message


# %%
# HIDDEN
def test_q2_random_matrices(oracle_costs):
    import numpy as np
    from adaptlab import bounds
    assert callable(oracle_costs), "oracle_costs is not defined."
    for seed, (n, n_states) in enumerate([(100, 2), (150, 4), (90, 6)], start=10):
        rng = np.random.default_rng(seed)
        correct = rng.random((n, n_states)) < np.linspace(0.2, 0.9, n_states)
        costs = np.sort(rng.uniform(0.1, 50.0, n_states))
        want = bounds.oracle(correct, costs)
        got = oracle_costs(correct, costs)
        assert isinstance(got, tuple) and len(got) == 3, f"oracle_costs returned {got!r}."
        expected = (want.selection_cost, want.sequential_cost, want.accuracy)
        message = (
            f"On a random {n}x{n_states} matrix (seed {seed}) with costs "
            f"{np.round(costs, 3).tolist()}: expected (selection, sequential, accuracy) = "
            f"{np.round(expected, 6).tolist()}, got {got!r}."
        )
        assert np.allclose(np.asarray(got, dtype=float), expected, rtol=1e-9, atol=1e-12), message


# %%
# HIDDEN
def test_q2_edge_cases(oracle_costs):
    import numpy as np
    assert callable(oracle_costs), "oracle_costs is not defined."
    cases = {
        "one state": (np.array([[1], [0], [1], [1]]), [2.0], (2.0, 2.0, 0.75)),
        "no state ever right": (np.zeros((4, 3), dtype=bool), [1.0, 2.0, 5.0], (1.0, 1.0, 0.0)),
        "every state always right": (np.ones((4, 3), dtype=bool), [1.0, 2.0, 5.0], (1.0, 1.0, 1.0)),
        "only the largest state right":
            (np.array([[0, 0, 1]] * 2), [1.0, 2.0, 5.0], (5.0, 8.0, 1.0)),
    }
    for name, (correct, costs, want) in cases.items():
        got = oracle_costs(correct, costs)
        assert isinstance(got, tuple) and len(got) == 3, f"oracle_costs returned {got!r} ({name})."
        message = (
            f"Case '{name}' (matrix {correct.astype(int).tolist()}, costs {costs}): expected "
            f"(selection, sequential, accuracy) = {want}, got {got!r}."
        )
        assert np.allclose(np.asarray(got, dtype=float), want), message


# %%
# HIDDEN
def test_q2_cost_ties(oracle_costs):
    import numpy as np
    from adaptlab import bounds
    assert callable(oracle_costs), "oracle_costs is not defined."
    correct = np.array([[0, 1, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0], [0, 0, 0]], dtype=bool)
    costs = [1.0, 1.0, 5.0]  # two states with the same cost: the first correct one is picked
    want = bounds.oracle(correct, costs)
    got = oracle_costs(correct, costs)
    assert isinstance(got, tuple) and len(got) == 3, f"oracle_costs returned {got!r}."
    expected = (want.selection_cost, want.sequential_cost, want.accuracy)
    message = (
        f"With tied costs {costs} (pick the first correct state): expected (selection, "
        f"sequential, accuracy) = {np.round(expected, 6).tolist()}, got {got!r}."
    )
    assert np.allclose(np.asarray(got, dtype=float), expected), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 3

# %% [markdown]
# ## Question 3 · Derive: two states in closed form (3 points, about 15 minutes)
#
# Take a small state (cost $R_1$, accuracy $A_1$) and a large one ($R_2 > R_1$, $A_2$). Figure 1
# of the paper splits the instances into four cases: AA, AI, IA and II (first letter: the small
# state; A = accurate, I = inaccurate). The oracle pays $R_2$ only on the IA instances and $R_1$ on
# all others, so its cost depends only on $P(IA)$.
#
# 1. Write $R_{oracle}$ in terms of $R_1$, $R_2$ and $P(IA)$.
# 2. Write $P(IA)$ in terms of $A_1$, $A_2$ and $\alpha_2$. *Hint:* the small state is wrong on
#    the IA and the II instances, and Eq 6 gives $P(II) = P(e_2) = \alpha_2 (1 - A_2)$.
# 3. Combine the two. (The paper writes this cost for any $N$ as its Eq 7, which Lecture 3 derives;
#    `adaptlab.bounds.general` computes it, and `help(bounds.general)` shows the formula.)
#
# Write your derivation in the cell below (it is not graded; the solutions show one), then
# complete `two_state_cost` with plain arithmetic (no call to `adaptlab`).

# %% [raw]
# # BEGIN PROMPT

# %% [markdown]
# *Your derivation:*
#
# $$R_{oracle} = \dots$$

# %% [raw]
# # END PROMPT

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# *Derivation.* The oracle answers an IA instance with the large state and every other instance
# (AA, AI, II) with the small one:
#
# $$R_{oracle} = R_1 \,[1 - P(IA)] + R_2 \, P(IA) = R_1 + (R_2 - R_1)\, P(IA).$$
#
# The small state is wrong on IA and II instances, so $1 - A_1 = P(IA) + P(II)$, and
# $P(II) = P(\text{both wrong}) = P(e_2) = \alpha_2 (1 - A_2)$ (Eq 6):
#
# $$P(IA) = (1 - A_1) - \alpha_2 (1 - A_2).$$
#
# Substituting:
#
# $$R_{oracle} = R_1 + (R_2 - R_1)(1 - A_1) - \alpha_2 (R_2 - R_1)(1 - A_2),$$
#
# which is Eq 7 with $N = 2$ (its sum over $i = 3..N$ is empty). With $\alpha_2 = 1$ every error of
# the large state is also an error of the small one, $P(IA) = A_2 - A_1$, and this becomes Eq 10:
# $R_1 + (A_2 - A_1)(R_2 - R_1)$.

# %%
def two_state_cost(R1, R2, A1, A2, alpha2):
    """R_oracle of a two-state space, from Figure 1's four cases."""
    # BEGIN SOLUTION
    p_ii = alpha2 * (1 - A2)  # both wrong, P(e_2) (Eq 6)
    p_ia = (1 - A1) - p_ii  # small wrong, large right
    return R1 + (R2 - R1) * p_ia  # R_1 on every instance, R_2 - R_1 more on the IA ones
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print("two_state_cost(1, 10, 0.6, 0.9, 0.5) =", two_state_cost(1.0, 10.0, 0.6, 0.9, 0.5))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q3_worked_value(two_state_cost):
    import numpy as np
    assert callable(two_state_cost), "two_state_cost is not defined: run the cell that defines it."
    got = two_state_cost(1.0, 10.0, 0.6, 0.9, 0.5)
    message = "two_state_cost returned nothing: replace `...` by `return` and your formula."
    assert got is not None and got is not ..., message
    got = float(got)
    hints = {
        3.15: "You left out R_1: the oracle pays the small state's cost on every instance, and "
              "R_2 - R_1 more on the IA instances.",
        3.7: "3.7 is the value for alpha_2 = 1 (nested errors, the conservative case): did you leave "
             "alpha_2 out of P(II) = alpha_2 (1 - A_2)?",
        2.8: "P(II) = alpha_2 (1 - A_2): alpha_2 multiplies the large state's error rate, not "
             "the small state's.",
        4.5: "On an IA instance the oracle pays R_2 instead of R_1: the extra cost is R_2 - R_1, "
             "not R_2.",
        5.05: "P(IA) = P(small wrong) - P(both wrong) = (1 - A_1) - alpha_2 (1 - A_2): check "
              "the sign.",
        0.1: "You swapped A_1 and A_2: the small state is wrong with probability 1 - A_1.",
    }
    message = (
        f"two_state_cost(R1=1, R2=10, A1=0.6, A2=0.9, alpha2=0.5) should be 4.15 GFLOPs: "
        f"P(II) = 0.5 * 0.1 = 0.05, P(IA) = 0.4 - 0.05 = 0.35, and the oracle pays 1 on every "
        f"instance plus 9 on the IA share. You returned {got:.4g}. "
        + next((h for v, h in hints.items() if np.isclose(got, v)),
               "Hint: R_oracle = R_1 + (R_2 - R_1) P(IA); write P(IA) with A_1, A_2 and alpha_2.")
    )
    assert np.isclose(got, 4.15), message


# %%
def test_q3_alpha_one_is_eq_10(two_state_cost):
    import numpy as np
    from adaptlab import bounds
    assert callable(two_state_cost), "two_state_cost is not defined: run the cell that defines it."
    for costs, accuracies in [([0.5, 8.0], [0.7, 0.9]), ([2.0, 3.0], [0.2, 0.95])]:
        want = bounds.two_state(costs, accuracies).selection_cost
        got = two_state_cost(*costs, *accuracies, 1.0)
        assert got is not None and got is not ..., "two_state_cost returned nothing."
        message = (
            f"With alpha_2 = 1 (every error of the large state is an error of the small one) "
            f"your formula should give R_1 + (A_2 - A_1)(R_2 - R_1) = {want:.6g} for "
            f"R = {costs}, A = {accuracies}; got {float(got):.6g}."
        )
        assert np.isclose(float(got), want), message


# %%
def test_q3_matches_eq_7(two_state_cost):
    import numpy as np
    from adaptlab import bounds
    assert callable(two_state_cost), "two_state_cost is not defined: run the cell that defines it."
    costs, accuracies, alpha2 = [1.5, 12.0], [0.55, 0.85], 0.3
    want = bounds.general(costs, accuracies, [np.nan, alpha2]).selection_cost
    got = two_state_cost(*costs, *accuracies, alpha2)
    assert got is not None and got is not ..., "two_state_cost returned nothing."
    message = (
        f"For R = {costs}, A = {accuracies}, alpha_2 = {alpha2}, Eq 7 (bounds.general) gives "
        f"R_oracle = {want:.6g}; your two_state_cost gives {float(got):.6g}."
    )
    assert np.isclose(float(got), want), message


# %%
# HIDDEN
def test_q3_random_state_spaces(two_state_cost):
    import numpy as np
    from adaptlab import bounds
    assert callable(two_state_cost), "two_state_cost is not defined."
    rng = np.random.default_rng(3)
    for _ in range(200):
        R1, R2 = np.sort(rng.uniform(0.01, 100.0, 2))
        A1, A2 = np.sort(rng.uniform(0.0, 0.999, 2))
        alpha2 = rng.uniform(0.0, min(1.0, (1 - A1) / (1 - A2)))  # P(e_2) <= P(e_1)
        want = bounds.general([R1, R2], [A1, A2], [np.nan, alpha2]).selection_cost
        got = two_state_cost(R1, R2, A1, A2, alpha2)
        assert got is not None and got is not ..., "two_state_cost returned nothing."
        message = (
            f"two_state_cost({R1:.4g}, {R2:.4g}, {A1:.4g}, {A2:.4g}, {alpha2:.4g}) should be "
            f"{want:.6g} (Eq 7), got {float(got):.6g}."
        )
        assert np.isclose(float(got), want, rtol=1e-9, atol=1e-9), message


# %%
# HIDDEN
def test_q3_brute_force_oracle(two_state_cost):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.simulate import correlated_models
    assert callable(two_state_cost), "two_state_cost is not defined."
    for seed, correlation in enumerate([0.0, 0.4, 0.9, 1.0]):
        correct = correlated_models([0.6, 0.8], n_instances=500, correlation=correlation,
                                    seed=seed).correct
        costs = [1.0, 7.0]
        A1, A2 = correct.mean(axis=0)
        alpha2 = bounds.alphas(correct)[1]
        want = bounds.oracle(correct, costs).selection_cost
        got = two_state_cost(*costs, A1, A2, alpha2)
        assert got is not None and got is not ..., "two_state_cost returned nothing."
        message = (
            f"On a simulated 500x2 matrix (correlation {correlation}) the exact oracle costs "
            f"{want:.6g}; with its measured A_1 = {A1:.4g}, A_2 = {A2:.4g}, alpha_2 = "
            f"{alpha2:.4g}, two_state_cost gives {float(got):.6g}."
        )
        assert np.isclose(float(got), want), message


# %%
# HIDDEN
def test_q3_edge_cases(two_state_cost):
    import numpy as np
    assert callable(two_state_cost), "two_state_cost is not defined."
    cases = {
        "alpha_2 = 0 (the small state fixes every error of the large one)":
            ((1.0, 10.0, 0.6, 0.8, 0.0), 1.0 + 9.0 * 0.4),
        "A_2 = 1 (the large state is never wrong)": ((1.0, 10.0, 0.6, 1.0, 0.7), 1.0 + 9.0 * 0.4),
        "A_1 = A_2 = 1 (nothing to fix)": ((1.0, 10.0, 1.0, 1.0, 0.0), 1.0),
        "equal costs": ((4.0, 4.0, 0.3, 0.9, 0.5), 4.0),
    }
    for name, (args, want) in cases.items():
        got = two_state_cost(*args)
        assert got is not None and got is not ..., "two_state_cost returned nothing."
        message = f"Case '{name}': two_state_cost{args} should be {want:.6g}, got {float(got):.6g}."
        assert np.isclose(float(got), want), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [markdown]
# ## A model family to measure
#
# Questions 4-6 use one simulated state space: three classifiers whose errors are correlated (an
# instance that fools a small model often fools a larger one too), with costs in GFLOPs per
# instance. `correct` has one row per instance and one column per state.

# %%
costs = np.array([1.0, 4.0, 20.0])  # GFLOPs per instance, ascending
accuracies = np.array([0.62, 0.78, 0.86])
correct = correlated_models(accuracies, n_instances=5000, correlation=0.7, seed=2).correct
print("shape:", correct.shape, " measured accuracies:", correct.mean(axis=0))

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 3

# %% [markdown]
# ## Question 4 · Measure: α on a model family (3 points, about 15 minutes)
#
# Eq 6 defines, for every state $i > 1$,
#
# $$\alpha_i = P(\text{states } 1, \dots, i-1 \text{ all wrong} \mid
#   \text{state } i \text{ wrong}),$$
#
# the chance that when state $i$ is wrong, every smaller state is wrong too: nothing smaller can
# fix that error.
#
# 1. Complete `measure_alphas(correct)` by counting instances: return one value per state (shape
#    (N,)), `np.nan` in entry 0 (the smallest state has no smaller state) and `np.nan` for a state
#    that is never wrong (the condition never happens).
# 2. On the matrix `correct` above, measure `alphas_measured`, the oracle's `selection_cost` and
#    `sequential_cost` (with your `oracle_costs` or with `bounds.oracle`), and `eq7_cost`, the
#    cost that the paper's Eq 7 (Lecture 3) predicts from the accuracies and your α:
#    `bounds.general(costs, accuracies, alphas_measured).selection_cost`.

# %% [raw]
# # BEGIN SOLUTION

# %%
def measure_alphas(correct):
    """alpha_i of every state by counting (Eq 6); NaN for state 0 and for never-wrong states."""
    wrong = ~np.asarray(correct, dtype=bool)
    # BEGIN SOLUTION
    n_states = wrong.shape[1]
    alphas = np.full(n_states, np.nan)
    for i in range(1, n_states):
        n_wrong = wrong[:, i].sum()  # instances where state i is wrong
        if n_wrong > 0:
            n_all_wrong = wrong[:, : i + 1].all(axis=1).sum()  # ... and every smaller state too
            alphas[i] = n_all_wrong / n_wrong
    return alphas
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN SOLUTION

# %%
alphas_measured = measure_alphas(correct)
selection_cost = oracle_costs(correct, costs)[0]  # SOLUTION
sequential_cost = oracle_costs(correct, costs)[1]  # SOLUTION
eq7_cost = bounds.general(costs, accuracies, alphas_measured).selection_cost  # SOLUTION
print("alpha per state:", alphas_measured)
print("selection cost:", selection_cost, " sequential cost:", sequential_cost, " Eq 7:", eq7_cost)

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
def test_q4_small_example(measure_alphas):
    import numpy as np
    assert callable(measure_alphas), "measure_alphas is not defined: run the cell that defines it."
    got = measure_alphas(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=bool))
    assert got is not None, "measure_alphas returned None: did you forget the `return` line?"
    got = np.asarray(got, dtype=float)
    message = (
        f"measure_alphas should return one value per state (column): shape (2,) for a two-state "
        f"matrix, got shape {got.shape}."
    )
    assert got.shape == (2,), message
    message = (
        f"Entry 0 should be NaN: alpha_i is defined for i > 1 only (Eq 6), the smallest state "
        f"has no smaller state. Got {got[0]!r}; start from np.full(n_states, np.nan)."
    )
    assert np.isnan(got[0]), message
    message = (
        f"On [[0, 0], [0, 1], [1, 0], [1, 1]] the large state is wrong on rows 0 and 2, and the "
        f"small state is wrong too on row 0 only: alpha_2 = 1/2. You returned {got[1]!r}."
        + (" Fill in entries 1..N-1." if np.isnan(got[1]) else "")
    )
    assert np.isclose(got[1], 0.5), message
    never = np.asarray(measure_alphas(np.array([[0, 1], [1, 1]], dtype=bool)), dtype=float)
    message = (
        f"On [[0, 1], [1, 1]] the large state is never wrong, so alpha_2 is undefined (the "
        f"condition 'state 2 wrong' never happens): return np.nan there, not {never[1]!r}."
    )
    assert np.isnan(never[1]), message


# %%
def test_q4_conditioning(measure_alphas):
    import numpy as np
    assert callable(measure_alphas), "measure_alphas is not defined: run the cell that defines it."
    # Ten instances of three states, built so that the usual mistakes give different numbers.
    correct = np.array([[0, 0, 0], [1, 0, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1], [1, 1, 1],
                        [1, 1, 1], [1, 1, 1], [1, 1, 1], [0, 1, 0]], dtype=bool)
    got = measure_alphas(correct)
    assert got is not None, "measure_alphas returned None: did you forget the `return` line?"
    got = np.asarray(got, dtype=float)
    assert got.shape == (3,), f"measure_alphas should return shape (3,) here, got {got.shape}."
    # State 2 (the paper's state 3) is wrong on rows 0, 1, 9; states 0 and 1 are both wrong too
    # on row 0 only: alpha_3 = 1/3.
    hints = {
        2 / 3: "You conditioned on the state just before (i - 1) only: alpha_i needs ALL smaller "
               "states wrong (columns 0 to i - 1).",
        1 / 4: "You divided by the number of instances the smaller states all get wrong: alpha_i "
               "is conditional on state i being wrong, so divide by the count of instances "
               "where state i is wrong.",
        1 / 10: "That is the joint probability P(all wrong); alpha_i is conditional: divide by "
                "the number of instances where state i is wrong, not by n.",
        4 / 3: "A probability cannot exceed 1: count the instances where states 0..i are ALL "
               "wrong (state i included), over those where state i is wrong.",
    }
    message = (
        "On this 10x3 matrix state 2 (the paper's state 3) is wrong on 3 instances, and states "
        f"0 and 1 are also wrong on 1 of them: alpha_3 = 1/3. You returned {got[2]!r}. "
        + next((h for v, h in hints.items() if np.isclose(got[2], v)), "")
    )
    assert np.isclose(got[2], 1 / 3), message
    message = (
        f"Entry 1 (the paper's alpha_2): state 1 is wrong on 5 instances, and state 0 too on 4 "
        f"of them, so alpha_2 = 4/5; you returned {got[1]!r}."
    )
    assert np.isclose(got[1], 4 / 5), message


# %%
def test_q4_family(alphas_measured, selection_cost, sequential_cost, eq7_cost):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.simulate import correlated_models
    costs, accuracies = np.array([1.0, 4.0, 20.0]), np.array([0.62, 0.78, 0.86])
    correct = correlated_models(accuracies, n_instances=5000, correlation=0.7, seed=2).correct
    for name, value in [("alphas_measured", alphas_measured), ("selection_cost", selection_cost),
                        ("sequential_cost", sequential_cost), ("eq7_cost", eq7_cost)]:
        message = (f"{name} is None: did the function it comes from return nothing, or did the "
                   "cell that measures it raise an error?")
        assert value is not None, message
        message = f"{name} is still the placeholder `...`: measure it."
        assert value is not ..., message
    want = bounds.alphas(correct)
    got = np.asarray(alphas_measured, dtype=float)
    message = (
        f"On the family's matrix alpha should be {np.round(want, 4).tolist()}, your "
        f"alphas_measured is {np.round(got, 4).tolist()}. Run grader.check on the small examples "
        "above first."
    )
    assert got.shape == want.shape and np.allclose(got, want, equal_nan=True), message
    oracle = bounds.oracle(correct, costs)
    for name, value, expected in [("selection_cost", selection_cost, oracle.selection_cost),
                                  ("sequential_cost", sequential_cost, oracle.sequential_cost)]:
        message = (f"The oracle's {name} on this family is {expected:.6g} GFLOPs, "
                   f"got {float(value):.6g}.")
        assert np.isclose(float(value), expected), message
    message = (
        f"eq7_cost is {float(eq7_cost):.6g}, but Eq 7 with these accuracies and the measured "
        f"alphas gives exactly the oracle's selection cost, {oracle.selection_cost:.6g}: use "
        "bounds.general(costs, accuracies, alphas_measured).selection_cost."
    )
    assert np.isclose(float(eq7_cost), oracle.selection_cost), message


# %%
# HIDDEN
def test_q4_random_matrices(measure_alphas):
    import numpy as np
    from adaptlab import bounds
    assert callable(measure_alphas), "measure_alphas is not defined."
    for seed, (n, n_states) in enumerate([(200, 2), (150, 3), (300, 5), (100, 6)], start=20):
        rng = np.random.default_rng(seed)
        correct = rng.random((n, n_states)) < np.linspace(0.4, 0.9, n_states)
        want = bounds.alphas(correct)
        got = measure_alphas(correct)
        assert got is not None, "measure_alphas returned None."
        got = np.asarray(got, dtype=float)
        message = (
            f"On a random {n}x{n_states} matrix (seed {seed}) alpha should be "
            f"{np.round(want, 4).tolist()}, got {np.round(got, 4).tolist()}."
        )
        assert got.shape == want.shape and np.allclose(got, want, equal_nan=True), message


# %%
# HIDDEN
def test_q4_edge_cases(measure_alphas):
    import numpy as np
    nan = np.nan
    assert callable(measure_alphas), "measure_alphas is not defined."
    cases = {
        "one state": (np.array([[1], [0]]), [nan]),
        "a state that is never wrong":
            (np.array([[0, 1, 1], [1, 1, 0], [0, 1, 0]]), [nan, nan, 0.0]),
        "every state always wrong": (np.zeros((3, 3), dtype=int), [nan, 1.0, 1.0]),
        "nested errors (alpha = 1)": (np.array([[1, 1], [0, 1], [0, 0]], dtype=bool), [nan, 1.0]),
    }
    for name, (correct, want) in cases.items():
        got = measure_alphas(correct)
        assert got is not None, f"measure_alphas returned None ({name})."
        got = np.asarray(got, dtype=float)
        message = (
            f"Case '{name}' (0/1 matrix {np.asarray(correct).astype(int).tolist()}): expected "
            f"{want}, got {got.tolist()}."
        )
        assert got.shape == (len(want),) and np.allclose(got, want, equal_nan=True), message


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
# ## Question 5 · Explain: the adaptive oracle is not a label oracle (2 points, about 10 minutes)
#
# Much of the literature compares routers with a *label oracle*, which knows each instance's true
# label. The adaptive oracle knows only which states of the state space are right. Run the cell
# below, then answer in 3-6 sentences, quoting the printed numbers:
#
# 1. What accuracy would a label oracle reach on this family, and what does the adaptive oracle
#    reach? Which instances does the adaptive oracle get wrong, and which state answers them?
# 2. Why is the adaptive oracle's accuracy above the largest state's $A_N$? When would the two be
#    equal?
# 3. Why is the adaptive oracle, and not the label oracle, the right bound for a router that
#    chooses among these three states?

# %%
exact = bounds.oracle(correct, costs)
print(f"largest state alone: accuracy A_N = {exact.largest_accuracy:.4f}")
print(f"adaptive oracle:     accuracy     = {exact.accuracy:.4f}")
print(f"instances no state gets right:    {(~correct.any(axis=1)).mean():.4f}")

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.** A label oracle always outputs the true label, so it reaches accuracy 1. The
# adaptive oracle can only choose among the three states: it is right on an instance when at least
# one state is right, $A_{oracle} = 1 - P(e_N)$, the accuracy printed above. It is wrong exactly on
# the instances that every state gets wrong (the share printed last), and it answers those with
# the smallest state, the cheapest way to be wrong (Eq 4). Its accuracy exceeds $A_N$ because some
# errors of the largest state are fixed by a smaller state: $A_{oracle} = 1 - \alpha_N (1 - A_N)$
# with $\alpha_N < 1$; the two are equal when $\alpha_N = 1$ (every error of the largest state is
# an error of every smaller state: nested errors). A router can only pick one of the states for
# each instance, so no router is more accurate than the adaptive oracle, nor as accurate at a
# lower cost, while a label oracle's 100% is out of reach of any router on this state space:
# comparing a router with it overstates what is left to gain.
#
# **Rubric (2 points).**
# * 1 point: label oracle = accuracy 1; adaptive oracle = share of instances some state gets right
#   (quotes the printed value, about 0.91); loses exactly the instances no state gets right,
#   answered by the smallest state. (0.5 if the numbers or the smallest-state answer are missing.)
# * 0.5 point: above $A_N$ because smaller states fix some of the largest state's errors
#   ($\alpha_N < 1$); equal when $\alpha_N = 1$ / errors nested.
# * 0.5 point: a router chooses among the same states, so the adaptive oracle bounds it; the label
#   oracle is unattainable and would overstate the possible gain.

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
# ## Question 6 · Explain: selection cost vs sequential cost (2 points, about 10 minutes)
#
# The paper's $R_{oracle}$ is a *selection* cost: it pays only the state that answers. A cascade
# runs the states one after another. Run the cell below, then answer in 3-6 sentences, quoting the
# printed numbers:
#
# 1. Why is the sequential cost higher than the selection cost here? Write the gap as a sum over
#    the states, using the exit shares.
# 2. When would the two costs be equal? Give two situations (one about the instances, one about
#    how the states are built).
# 3. What does this mean when you compare a practical cascade with $R_{oracle}$?

# %%
print("exit share per state (the oracle answers this share with each state):", exact.exit_share)
print("cost per state R_i:           ", costs)
print("cost of stopping at state i:  ", bounds.sequential_costs(costs))
print(f"selection cost {exact.selection_cost:.4f} GFLOPs, sequential cost "
      f"{exact.sequential_cost:.4f} GFLOPs, largest state alone {exact.largest_cost:.1f} GFLOPs")

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.** With exit shares $s_i$, the selection cost is $\sum_i s_i R_i$ and the
# sequential cost is $\sum_i s_i C_i$ with $C_i = R_1 + \dots + R_i$, so the gap is
# $\sum_{i>1} s_i (R_1 + \dots + R_{i-1})$: every instance the oracle sends to state 2 or 3 also
# pays for the states the cascade ran before reaching it (here about 0.21 of the instances pay 1
# GFLOP more and about 0.08 pay 5 GFLOPs more, 0.63 GFLOPs in all, the difference of the two printed
# costs). The two are equal when every instance stops at state 1 (no instance needs a larger
# state), or when the states share computation so that reaching state $i$ costs only $R_i$ (the
# exits of one early-exit network: $C_i = R_i$). A cascade does not know in advance which state is
# right, so even with perfect stopping decisions it pays the sequential cost: compare it with the
# oracle run as a cascade (`sequential_cost`), and remember that the paper's $R_{oracle}$ (the
# selection cost) is a bound that a cascade of separate models cannot reach; a router that selects
# one model up front could, if it chose perfectly.
#
# **Rubric (2 points).**
# * 1 point: the gap is the cost of the states run before the answering one, $\sum_i s_i
#   (C_i - R_i)$, with the printed numbers (shares, costs, gap about 0.63 GFLOPs).
# * 0.5 point: equal when all instances exit at state 1, or when states share computation
#   (early exits, $C_i = R_i$); one situation gives 0.25.
# * 0.5 point: a cascade pays at least the sequential cost, so compare cascades with the
#   sequential cost; $R_{oracle}$ (selection) is reachable only by a selector that picks one state
#   up front.

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
# Unexplored Opportunities* (Definition 2.1, Eq 4-7, Figure 1).
