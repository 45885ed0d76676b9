# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python (adaptlab)
#     language: python
#     name: adaptlab
# ---

# %% [markdown]
# # 2 · The adaptive oracle
#
# Before you build a router, ask what the *best possible* router could do. If even a router that
# never makes a mistake could save only 10%, stop here; if it could save 10×, there is a prize
# worth chasing. The paper's **adaptive oracle** is that best possible router: for every input it
# knows which models get it right, and it pays for the cheapest of them. No router that chooses
# between the same models can beat it, so its cost and accuracy bound all of them.
#
# This lecture builds the oracle from its definition, derives its expected cost and accuracy step
# by step (Eq 4-6 of the paper, with every step the paper skips), checks the formulas against a
# loop over instances that you write, and then prices the same oracle two ways: as a selector and
# as a cascade.
#
# **Objectives.** By the end you can:
# - read the four cases of a two-state problem (Fig 1) and say in which one the oracle pays for
#   the large model;
# - state Definition 2.1, and explain why the oracle pays $R_1$ when no state is right;
# - derive the oracle's expected cost and accuracy (Eq 5) as a sum over exit shares, and Eq 6 from
#   the definition of a conditional probability;
# - compute the oracle instance by instance and check it against `adaptlab.bounds.oracle`;
# - tell the adaptive oracle from a label oracle;
# - price the same choices as a selector and as a cascade, and explain why early exits pay once.
#
# **Estimated time:** 50 minutes.
#
# **Prerequisites:** [Lecture 1 · Why inference cost matters](01_inference_cost.ipynb) (states,
# $R_i$, $A_i$, $R_\text{ratio}$). Probability: events, their intersection, complement and
# disjoint union; $P(A \mid B) = P(A \cap B) / P(B)$; the expectation of a discrete variable.
#
# **Notation.** From Lecture 1: states $S_1, \dots, S_N$ with costs $R_1 \le \dots \le R_N$ (here
# in GFLOPs per instance) and accuracies $A_i$ (fractions); $R_\text{ratio} = R_N / R$. New here:
#
# | symbol | meaning | unit |
# |---|---|---|
# | $Y_i(x)$, $Y_\text{GT}(x)$ | label predicted by state $i$ on instance $x$; the true label | – |
# | $W_i$ | the event "state $i$ is wrong", $Y_i \ne Y_\text{GT}$; $P(W_i) = 1 - A_i$ | – |
# | $e_i$ | the event "the $i$ smallest states are all wrong", $W_1 \cap \dots \cap W_i$ | – |
# | $s_i$ | exit share: the share of instances the oracle answers with state $i$ | fraction |
# | $R_\text{oracle}$, $A_\text{oracle}$ | the oracle's expected cost per instance and its accuracy (Eq 5) | GFLOPs; fraction |
# | $\alpha_i$ | $P(e_{i-1} \mid W_i)$: when state $i$ is wrong, the chance all smaller states are too (Eq 6) | fraction |
# | $C_i = R_1 + \dots + R_i$ | what a cascade that stops at state $i$ has paid | GFLOPs |
# | $\Delta A = A_\text{oracle} - A_N$ | accuracy gained over the largest state | percentage points (pp) |

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from adaptlab import bounds
from adaptlab.plots import exit_cost_bars, two_state_cases
from adaptlab.simulate import correlated_models

# %% [markdown]
# ## 1. Two models, four cases
# *Estimated time to here: 5 min*
#
# Take a small model $S_s = (R_s, A_s)$ and a large one $S_L = (R_L, A_L)$. On each instance each
# model is either right (the paper writes **A**, accurate) or wrong (**I**, inaccurate), so there
# are four cases. We simulate such a pair with `correlated_models`: it returns a **correctness
# matrix** with exactly the accuracies asked for, whose errors are correlated (a hard instance
# fools both models more often than chance). The costs are illustrative.

# %%
pair_costs = np.array([1.0, 10.0])  # GFLOPs per instance: R_s, R_L
pair_accuracies = np.array([0.70, 0.85])
pair = correlated_models(pair_accuracies, n_instances=10_000, correlation=0.8, seed=0).correct

print("correct has shape", pair.shape, "- one row per instance, one column per state")
print("accuracies:", pair.mean(axis=0))
rows, counts = np.unique(pair.astype(int), axis=0, return_counts=True)
for row, count in zip(rows[::-1], counts[::-1]):
    print(f"row {row} (small right? large right?) on {count:,} instances")

# %% mystnb={"image": {"alt": "Fig 1 as a two by two grid of the four cases of a small and a large model, each cell giving its share of instances: the oracle runs the small model in every case except the one outlined in red, small wrong and large right, where it runs the large model."}}
two_state_cases(pair, names=("small", "large"), title="Fig 1 of the paper, on a simulated pair");

# %% [markdown]
# Read the figure cell by cell (first letter: the small model, second: the large one).
# - **AA**, **AI**: the small model is right. Running the large one cannot improve the answer.
# - **II**: both are wrong. Running the large one cannot improve the answer either.
# - **IA**: the small model is wrong and the large one is right. This is the *only* case in which
#   paying $R_L$ buys something.
#
# An agent that knew the cell of every instance would run the large model exactly on IA. Its cost
# therefore depends on one number, $P(\text{IA})$, as the caption of the paper's Fig 1 says:
#
# $$ R_\text{oracle} = R_s \bigl(1 - P(\text{IA})\bigr) + R_L\, P(\text{IA})
#    = R_s + (R_L - R_s)\, P(\text{IA}). $$
#
# **Think.** In which cell is this agent *more accurate than the large model alone*?
#
# <details><summary>Our answer</summary>
#
# In **AI**: the large model is wrong, the small one is right, and the agent picks the small one.
# The agent is right in AA, AI and IA, wrong only in II, so
# $A_\text{oracle} = 1 - P(\text{II}) \ge A_L = P(\text{AA}) + P(\text{IA})$,
# with the gap $P(\text{AI})$. Adaptivity can save cost *and* gain accuracy.
# </details>
#
# ### Exercise 1.1 — The two-state oracle from the four cases
# From the columns `small_right` and `large_right`, compute the shares $P(\text{IA})$ and
# $P(\text{II})$ with numpy's boolean operators (`&`, `~`, `.mean()`), then the oracle's cost
# (the formula above, in GFLOPs) and its accuracy $1 - P(\text{II})$.

# %%
small_right, large_right = pair[:, 0], pair[:, 1]

p_ia = ...           # your code: small wrong and large right
p_ii = ...           # your code: both wrong
pair_cost = ...      # your code: R_s + (R_L - R_s) P(IA), with pair_costs
pair_accuracy = ...  # your code: 1 - P(II)

# %%
# Self-check: run me after the cell above. bounds.oracle is the library's exact oracle (Section 4).
reference = bounds.oracle(pair, pair_costs)
if any(value is ... for value in (p_ia, p_ii, pair_cost, pair_accuracy)):
    print("… not filled in yet")
elif not np.isclose(pair_cost, reference.selection_cost):
    print(f"✗ pair_cost = {pair_cost!r}: check P(IA) = (~small_right & large_right).mean()")
elif not np.isclose(pair_accuracy, reference.accuracy):
    print(f"✗ pair_accuracy = {pair_accuracy!r}: the oracle is wrong only where both are wrong")
else:
    print(f"✓ R_oracle = {pair_cost:.4f} GFLOPs, A_oracle = {pair_accuracy:.4f}, "
          "as bounds.oracle computes them")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# p_ia = (~small_right & large_right).mean()
# p_ii = (~small_right & ~large_right).mean()
# pair_cost = pair_costs[0] + (pair_costs[1] - pair_costs[0]) * p_ia
# pair_accuracy = 1 - p_ii
# ```
# </details>

# %% [markdown]
# ## 2. Definition 2.1: the adaptive oracle
# *Estimated time to here: 14 min*
#
# With $N$ states, ordered so that $R_1 \le R_2 \le \dots \le R_N$, the paper defines the adaptive
# oracle by what it pays on each instance $x$ (Eq 4):
#
# $$
# R_\text{oracle}(x) =
# \begin{cases}
#   \min_i R_i \quad \text{s.t. } Y_i(x) = Y_\text{GT}(x) & \text{if some state is right on } x, \\
#   R_1 & \text{otherwise.}
# \end{cases}
# $$
#
# Because the costs are sorted, "the least cost among the right states" is the cost of the *first*
# right state. So the oracle's **choice** on $x$ is
#
# $$ i^\star(x) = \min\{\, i : Y_i(x) = Y_\text{GT}(x) \,\}, \quad \text{or } 1 \text{ if no state
# is right.} $$
#
# **Why $R_1$ when no state is right?** On such an instance every state gives a wrong answer, so
# every choice has the same accuracy. The only thing left to minimise is cost, and the cheapest
# state is $S_1$. An agent that paid $R_N$ there would spend $R_N - R_1$ for nothing.
#
# Note what the oracle knows: **which states are right** on $x$, a row of the correctness matrix.
# It does not know the true label itself, so where every state is wrong it cannot repair the
# answer (Section 5 returns to this).
#
# **Predict, then run.** Six instances, three states costing 1, 3 and 10 GFLOPs. For each row of
# the matrix below, which state does the oracle choose (0, 1 or 2 in Python's counting)? What is
# the mean cost? Write your answers down, then run the cell.
#
# | instance | $S_1$ right? | $S_2$ right? | $S_3$ right? |
# |---|---|---|---|
# | 0 | 1 | 1 | 1 |
# | 1 | 0 | 1 | 1 |
# | 2 | 0 | 0 | 1 |
# | 3 | 0 | 0 | 0 |
# | 4 | 1 | 0 | 0 |
# | 5 | 0 | 1 | 0 |

# %%
tiny_correct = np.array([[1, 1, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0], [1, 0, 0], [0, 1, 0]])
tiny_costs = np.array([1.0, 3.0, 10.0])
tiny = bounds.oracle(tiny_correct, tiny_costs)
print("choice per instance:", tiny.choice)
print("cost per instance:  ", tiny_costs[tiny.choice])
print(f"mean cost {tiny.selection_cost:.4f} GFLOPs, accuracy {tiny.accuracy:.4f}")

# %% [markdown]
# Instance 3 is the "otherwise" row: no state is right, the oracle pays $R_1$ and is wrong.
# Instance 4 shows the small state rescuing an error of the large one (the AI case).
#
# **Think.** States in practice are ordered by cost, but need their accuracies rise too (Eq 3)?
# Does Definition 2.1 need it?
#
# <details><summary>Our answer</summary>
#
# The definition only needs the costs to be sorted: it picks the cheapest right state whatever the
# accuracies are. Eq 3 ($A_1 \le \dots \le A_N$) matters for the closed-form bounds of Lecture 3,
# and in practice a state that costs more and is less accurate than another is never worth
# keeping. `bounds.oracle` accepts any accuracies for this reason.
# </details>

# %% [markdown]
# ## 3. Expected cost and accuracy: Eq 5 and 6, step by step
# *Estimated time to here: 20 min*
#
# Eq 4 prices one instance. Over a data set (or a distribution) of instances we want the
# **expected** cost $R_\text{oracle} = \mathbb{E}_x[R_\text{oracle}(x)]$ and the accuracy
# $A_\text{oracle}$. The paper states the result (Eq 5) and proves it in its appendix (A.2) in a few
# lines; here is every step.
#
# **Step 0: two families of events.** $W_i = \{Y_i \ne Y_\text{GT}\}$ is "state $i$ is wrong",
# with $P(W_i) = 1 - A_i$. And
#
# $$ e_i = W_1 \cap W_2 \cap \dots \cap W_i \qquad \text{("the } i \text{ smallest states are all
# wrong")}. $$
#
# Each $e_i$ adds one more condition to $e_{i-1}$, so $e_1 \supseteq e_2 \supseteq \dots
# \supseteq e_N$ and $P(e_1) \ge P(e_2) \ge \dots \ge P(e_N)$. Also $e_1 = W_1$, so
# $P(e_1) = 1 - A_1$.
#
# **Step 1: where the oracle exits.** By Eq 4, the oracle answers $x$ with its first right state,
# or with $S_1$ if there is none. That splits the instances into $N + 1$ disjoint events (the
# appendix calls them $x_1, x_i, x_f$):
#
# $$
# \begin{aligned}
# x_1 &= \{Y_1 = Y_\text{GT}\} = \overline{e_1} && \text{state 1 is right: exit at 1,} \\
# x_i &= e_{i-1} \cap \{Y_i = Y_\text{GT}\} && \text{states } 1..i{-}1 \text{ wrong, } i \text{ right:
#   exit at } i \quad (2 \le i \le N), \\
# x_f &= e_N && \text{no state is right: exit at 1 (Eq 4's "otherwise").}
# \end{aligned}
# $$
#
# Every instance is in exactly one of them: either it has a first right state, or it has none.
#
# **Step 2: the probability of each exit.** State $i$ is either right or wrong, so $e_{i-1}$
# splits into two disjoint parts:
#
# $$ e_{i-1} = \underbrace{\bigl(e_{i-1} \cap \{Y_i = Y_\text{GT}\}\bigr)}_{x_i}
#    \;\cup\; \underbrace{\bigl(e_{i-1} \cap W_i\bigr)}_{e_i}
#    \quad\Longrightarrow\quad P(x_i) = P(e_{i-1}) - P(e_i) \quad (2 \le i \le N). $$
#
# And $P(x_1) = 1 - P(e_1) = A_1$, $P(x_f) = P(e_N)$.
#
# **Step 3: exit shares.** The oracle answers with state 1 on $x_1$ *and* on $x_f$; with state
# $i \ge 2$ on $x_i$ only. So the share of instances answered by each state is
#
# $$
# s_1 = P(x_1) + P(x_f) = A_1 + P(e_N), \qquad s_i = P(e_{i-1}) - P(e_i) \quad (2 \le i \le N).
# $$
#
# They sum to 1, as shares must: the sum over $i \ge 2$ telescopes,
# $\sum_{i=2}^{N} [P(e_{i-1}) - P(e_i)] = P(e_1) - P(e_N)$, and
# $A_1 + P(e_N) + P(e_1) - P(e_N) = A_1 + (1 - A_1) = 1$.
#
# **Step 4: expected cost as a sum over exit shares.** $R_\text{oracle}(x)$ takes the value $R_i$
# on the share $s_i$ of instances, so its expectation is
#
# $$
# \begin{aligned}
# R_\text{oracle} = \sum_{i=1}^{N} s_i R_i
#   &= R_1 \bigl(A_1 + P(e_N)\bigr) + \sum_{i=2}^{N} R_i \bigl[P(e_{i-1}) - P(e_i)\bigr] \\
#   &= R_1 \bigl(1 - P(e_1) + P(e_N)\bigr) + \sum_{i=2}^{N} R_i \bigl[P(e_{i-1}) - P(e_i)\bigr],
# \end{aligned}
# $$
#
# which is the first line of the paper's **Eq 5**.
#
# **Step 5: accuracy.** The oracle is right unless no state is right, i.e. unless $x \in x_f$:
#
# $$ A_\text{oracle} = 1 - P(e_N) \qquad \text{(second line of Eq 5).} $$
#
# **Step 6: Eq 6, from the definition of a conditional probability.** For $i > 1$,
# $e_i = e_{i-1} \cap W_i$, and for any events $P(B \cap W) = P(B \mid W)\, P(W)$. So
#
# $$
# P(e_i) = P(e_{i-1} \cap W_i) = \underbrace{P(e_{i-1} \mid W_i)}_{\alpha_i}\, \underbrace{P(W_i)}_{1 - A_i}
#        = \alpha_i (1 - A_i) \quad (i > 1), \qquad P(e_1) = 1 - A_1,
# $$
#
# with
#
# $$ \alpha_i = P(Y_1 \ne Y_\text{GT} \cap \dots \cap Y_{i-1} \ne Y_\text{GT} \mid Y_i \ne
#    Y_\text{GT}). $$
#
# In words: **when state $i$ is wrong, $\alpha_i$ is the chance that every smaller state is wrong
# too.** $\alpha_i$ near 1: the smaller states cannot fix state $i$'s mistakes (nested errors).
# $\alpha_i$ near 0: some smaller state usually gets them right. It is a property of how the states'
# errors overlap, which no single state's accuracy reveals. (The paper says "Bayes rule"; the
# product rule above is all it takes.)
#
# **Check with two states.** $s_2 = P(e_1) - P(e_2) = P(W_1) - P(W_1 \cap W_2) = P(W_1 \cap
# \overline{W_2}) = P(\text{IA})$, and Step 4 gives $R_s (1 - P(\text{IA})) + R_L P(\text{IA})$:
# the formula of Section 1.
#
# Now the same on four simulated states. We count $P(e_i)$ directly from the matrix (a running
# "and" along each row of `~correct`) and compare with Eq 6, using the measured $\alpha_i$ of
# `bounds.alphas` and `bounds.error_probabilities`.

# %%
names = ["tiny", "small", "medium", "large"]
costs = np.array([1.0, 3.0, 10.0, 30.0])  # GFLOPs per instance: illustrative
correct = correlated_models([0.60, 0.72, 0.80, 0.85], n_instances=10_000, correlation=0.8,
                            seed=0).correct
accuracies = correct.mean(axis=0)

p_e = np.logical_and.accumulate(~correct, axis=1).mean(axis=0)  # P(e_i), counted
alpha = bounds.alphas(correct)                                   # alpha_i, measured (Eq 6)
pd.DataFrame({
    "A_i": accuracies,
    "alpha_i": alpha,
    "P(e_i) counted": p_e,
    "P(e_i) by Eq 6": bounds.error_probabilities(accuracies, alpha),
}, index=names).round(4)

# %% [markdown]
# $\alpha_1$ is undefined (there is no smaller state), hence NaN. Now Step 3 and Steps 4-5: the
# exit shares, the expected cost and the accuracy, from these $P(e_i)$ alone.

# %%
shares_eq5 = np.concatenate([[accuracies[0] + p_e[-1]], p_e[:-1] - p_e[1:]])
cost_eq5 = shares_eq5 @ costs
accuracy_eq5 = 1 - p_e[-1]
print("exit shares s_i (Eq 5):", shares_eq5.round(4), "- sum", shares_eq5.sum().round(6))
print(f"R_oracle = {cost_eq5:.4f} GFLOPs, A_oracle = {accuracy_eq5:.4f}")

# %% [markdown]
# ## 4. Checking Eq 5 instance by instance
# *Estimated time to here: 30 min*
#
# A formula derived by hand deserves a check by brute force: apply Eq 4 to every instance and
# average. First you write it as a plain loop; then we compare your loop, Eq 5 and the library.
#
# ### Exercise 4.1 — The oracle as a loop
# Complete `oracle_by_hand`: for each instance (row of `correct`), find the first state that is
# right; if there is none, keep state 0 and record that the oracle is wrong. As shipped, the stub
# chooses state 0 everywhere, so the check below reports ✗ until you fill it in.

# %%
def oracle_by_hand(correct, costs):
    """Eq 4 on every instance: the choices, the mean cost and the accuracy."""
    n_instances, n_states = correct.shape
    choice = np.zeros(n_instances, dtype=int)   # state 0 unless a right state is found
    is_right = np.zeros(n_instances, dtype=bool)  # is the chosen state right?
    for x in range(n_instances):
        ...  # your code: set choice[x] and is_right[x]
    return choice, costs[choice].mean(), is_right.mean()


loop_choice, loop_cost, loop_accuracy = oracle_by_hand(correct, costs)

# %%
# Self-check: run me after the cell above.
result = bounds.oracle(correct, costs)
mismatch = np.flatnonzero(loop_choice != result.choice)
if mismatch.size:
    x = mismatch[0]
    print(f"✗ choices differ on {mismatch.size:,} instances; e.g. instance {x} has row "
          f"{correct[x].astype(int)}: you chose {loop_choice[x]}, Eq 4 chooses {result.choice[x]}")
else:
    print("✓ same choice as bounds.oracle on every instance")
for label, mine, exact in [("cost", loop_cost, result.selection_cost),
                           ("accuracy", loop_accuracy, result.accuracy)]:
    print(f"{'✓' if np.isclose(mine, exact) else '✗'} {label}: yours {mine:.4f}, "
          f"bounds.oracle {exact:.4f}")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
#     for x in range(n_instances):
#         for i in range(n_states):
#             if correct[x, i]:
#                 choice[x] = i
#                 is_right[x] = True
#                 break
# ```
# The library does the same without a loop: `correct.argmax(axis=1)` finds the first `True` of
# every row, and gives 0 for a row with none, which is exactly Eq 4.
# </details>
#
# Three computations, one answer: the loop over instances (Eq 4), the closed form from $P(e_i)$
# (Eq 5) and the library.

# %%
pd.DataFrame({
    "Eq 5 from P(e_i)": [cost_eq5, accuracy_eq5, *shares_eq5],
    "bounds.oracle": [result.selection_cost, result.accuracy, *result.exit_share],
}, index=["R_oracle (GFLOPs)", "A_oracle", *(f"s_{i + 1} ({n})" for i, n in enumerate(names))]
).round(6)

# %%
print(f"always {names[-1]}: {result.largest_cost:.1f} GFLOPs, "
      f"accuracy {result.largest_accuracy:.4f}")
print(f"the oracle:   {result.selection_cost:.2f} GFLOPs, accuracy {result.accuracy:.4f}")
print(f"R_ratio = {result.r_ratio:.1f}, Delta A = {100 * result.delta_a:+.1f} pp")

# %% [markdown]
# ## 5. Label oracle or adaptive oracle?
# *Estimated time to here: 36 min*
#
# Papers on routing sometimes report an "oracle" that knows the **true label** of each input. Such
# a *label oracle* is always right: its accuracy is 1 by construction. The adaptive oracle knows
# less: only **which states are right**. Side by side on our four states:

# %%
pd.DataFrame({
    "knows": ["nothing: always runs the largest state", "which states are right on x",
              "the true label of x"],
    "accuracy": [result.largest_accuracy, result.accuracy, 1.0],
    "cost (GFLOPs)": [f"{result.largest_cost:.2f}", f"{result.selection_cost:.2f}",
                      "none: it needs no model"],
}, index=["largest state alone", "adaptive oracle", "label oracle"])

# %% [markdown]
# The label oracle answers without running any state, so as a benchmark for routing it says "100%
# accuracy at no cost" for *every* state space: it tells you nothing about yours. The adaptive
# oracle is tied to the states you have. The gap between the two, $P(e_N)$, is the share of
# instances **no** state gets right: no router can recover it, only a better state can.
#
# **Think.** A paper reports that "the oracle" of its cascade reaches 100% accuracy. What do you
# ask the authors?
#
# <details><summary>Our answer</summary>
#
# Which oracle: does it know the labels, or only which of the cascade's models are right? Only the
# second bounds what a router between those models can reach, and its accuracy is
# $1 - P(e_N) < 1$ unless some model is right on every instance.
# </details>

# %% [markdown]
# ## 6. The same choices, two prices: selection and cascade
# *Estimated time to here: 39 min*
#
# $R_\text{oracle}$ pays only the state that answers. That is the price of a **selector**: an agent
# that looks at the input, picks one state and runs only that one (as AR-Net's policy network
# does). A **cascade** runs $S_1$, then $S_2$ if it does not trust $S_1$'s answer, and so on, so an
# instance that exits at state $i$ has run, and paid for, every state up to $i$:
#
# $$ C_i = R_1 + R_2 + \dots + R_i, $$
#
# which `bounds.sequential_costs(costs)` returns.
#
# The oracle's choices stay the same; only the price changes:
#
# $$
# R_\text{sel} = \sum_{i=1}^{N} s_i R_i, \qquad
# R_\text{seq} = \sum_{i=1}^{N} s_i C_i = \sum_{i=1}^{N} s_i \sum_{k=1}^{i} R_k
#   = \sum_{k=1}^{N} R_k \underbrace{\sum_{i=k}^{N} s_i}_{\text{share that reaches } k}.
# $$
#
# The last form swaps the two sums: state $k$ is paid by every instance that gets as far as $k$.
# `bounds.oracle` returns both prices.

# %%
cascade_costs = bounds.sequential_costs(costs)
print("C_i =", cascade_costs)
print(f"selection cost  {result.selection_cost:.4f} GFLOPs "
      f"(= s @ R: {result.exit_share @ costs:.4f})")
print(f"sequential cost {result.sequential_cost:.4f} GFLOPs (= s @ C: "
      f"{result.exit_share @ cascade_costs:.4f})")

# %% [markdown]
# ### Early exits share a backbone and pay once
# An **early-exit network** is one network with a small classifier head after some of its blocks;
# its states are the exits. Exit $i$'s cost $R_i$ already includes the backbone up to it, so a
# cascade through the exits computes the backbone **once** and pays, on top of $R_i$, only the
# heads of the exits it tried and passed. If each head costs $h$ (here an illustrative 0.05
# GFLOPs), stopping at exit $i$ costs $R_i + (i - 1)\,h$, far less than $C_i$. Pass that vector as
# `sequential_costs`:

# %%
head_gflops = 0.05
early_exit_costs = costs + head_gflops * np.arange(len(costs))
early_exit = bounds.oracle(correct, costs, sequential_costs=early_exit_costs)
print(f"separate models: {result.sequential_cost:.4f} GFLOPs per instance")
print(f"early exits:     {early_exit.sequential_cost:.4f} GFLOPs per instance "
      f"(selection price: {early_exit.selection_cost:.4f})")

# %% mystnb={"image": {"alt": "Three stacked bars of the oracle's expected cost, one per way of pricing the same exit shares: selection, a cascade of separate models and a cascade of early exits; each stack splits the cost by the state the instances exit at, and the separate-models cascade is the tallest."}}
exit_cost_bars(result.exit_share,
               {"selection\n(pay the answering state)": costs,
                "cascade of\nseparate models": cascade_costs,
                "cascade of\nearly exits": early_exit_costs},
               names=names, unit="GFLOPs",
               title="One oracle, three prices: exit share x cost of exiting there");

# %% [markdown]
# Each bar stacks $s_i \times$ (cost of exiting at $i$) over the states, so its height is the
# expected cost. The bottom segment is the same in all three: an instance that exits at state 1 has
# run state 1 only. The cascade of separate models pays more for every later exit, because those
# instances also ran the states before; the early exits almost close that gap.
#
# ### Exercise 6.1 — The cascade's price, state by state
# Compute $R_\text{seq}$ with the last form above: first `reach`, where `reach[k]` is the share of
# instances that run state $k$ ($\sum_{i \ge k} s_i$; hint: a cumulative sum of the reversed exit
# shares, reversed back), then $\sum_k R_k\, \text{reach}_k$.

# %%
reach = ...           # your code: shape (4,), reach[0] should be 1
cost_by_reach = ...   # your code: in GFLOPs

# %%
# Self-check: run me after the cell above.
if reach is ... or cost_by_reach is ...:
    print("… not filled in yet")
elif np.shape(reach) != (len(costs),) or not np.isclose(reach[0], 1.0):
    print(f"✗ reach = {reach!r}: every instance runs the first state, so reach[0] is 1")
elif not np.isclose(cost_by_reach, result.sequential_cost):
    print(f"✗ cost_by_reach = {cost_by_reach!r}: multiply each state's cost by its reach, "
          "then sum")
else:
    print(f"✓ {cost_by_reach:.4f} GFLOPs, the oracle's sequential cost; "
          f"reach = {np.round(reach, 4)}")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# reach = np.cumsum(result.exit_share[::-1])[::-1]
# cost_by_reach = reach @ costs
# ```
# </details>
#
# **Think.** When is a cascade of separate models almost as cheap as a selector?
#
# <details><summary>Our answer</summary>
#
# When the costs grow fast. If each state costs $r$ times the one before, then
# $C_i = R_i (1 + 1/r + 1/r^2 + \dots) < R_i \frac{r}{r - 1}$: with $r = 10$ the cascade pays at
# most about 11% more per instance than the selector, with $r = 2$ up to twice as much. And when
# most instances exit at state 1, where both prices agree. A cascade's real handicap is elsewhere:
# a practical cascade must *decide* to escalate from the answers it has seen (Lecture 6), whereas
# the oracle knows.
# </details>

# %% [markdown]
# ## 7. Correlated or independent errors?
# *Estimated time to here: 45 min*
#
# The four accuracies do not determine the oracle: how the states' errors overlap does too
# (that is what $\alpha_i$ measures). Keep the accuracies and the costs, and change only the
# simulator's `correlation`: 0.0 makes the states' errors independent, 0.9 makes a hard instance
# fool nearly every state.
#
# **Predict, then run.** Which of the two state spaces has the **cheaper** oracle? Which has the
# **more accurate** one? Write down your two answers before running the cell.

# %%
rows = {}
for rho in (0.0, 0.9):
    simulated = correlated_models(accuracies, n_instances=10_000, correlation=rho, seed=0).correct
    point = bounds.oracle(simulated, costs)
    rows[f"correlation {rho}"] = {
        "alpha_2..alpha_N": np.round(bounds.alphas(simulated)[1:], 2),
        "R_oracle (GFLOPs)": round(point.selection_cost, 3),
        "A_oracle": round(point.accuracy, 4),
        "R_ratio": round(point.r_ratio, 2),
        "exit shares": np.round(point.exit_share, 3),
    }
table = pd.DataFrame(rows).T
cheaper = table["R_oracle (GFLOPs)"].astype(float).idxmin()
more_accurate = table["A_oracle"].astype(float).idxmax()
print("cheaper oracle:", cheaper, "| more accurate oracle:", more_accurate)
table

# %% [markdown]
# With independent errors, an instance the tiny state gets wrong is usually right for the small
# state: the oracle rescues it there, cheaply. With correlated errors the same instance tends to
# defeat the small and medium states as well, so the rescue, when there is one, comes from the
# expensive large state. And with correlated errors more instances defeat every state, which lowers
# the accuracy (compare $\alpha_i$ and the exit shares of the two rows).
#
# Is "independent is cheaper" a law? Sweep the correlation, and add the two-state pair of
# Section 1 to the picture. Costs are divided by each space's $R_N$ so that both fit on one axis.

# %% mystnb={"image": {"alt": "Two panels against the simulator's error correlation, for a 4-state and a 2-state space: the oracle's cost relative to the largest state rises as errors become more correlated, and its accuracy falls towards the largest state's."}}
correlations = np.linspace(0, 1, 11)
spaces = {"4 states (this section)": (accuracies, costs),
          "2 states (Section 1)": (pair_accuracies, pair_costs)}
fig, (ax_cost, ax_accuracy) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
for label, (space_accuracies, space_costs) in spaces.items():
    points = [bounds.oracle(correlated_models(space_accuracies, n_instances=10_000,
                                              correlation=rho, seed=0).correct, space_costs)
              for rho in correlations]
    ax_cost.plot(correlations, [p.selection_cost / p.largest_cost for p in points], "o-",
                 label=label)
    ax_accuracy.plot(correlations, [p.accuracy for p in points], "o-", label=label)
ax_cost.set_ylabel("$R_\\mathrm{oracle} / R_N$")
ax_cost.set_title("Cost of the oracle")
ax_accuracy.set_ylabel("$A_\\mathrm{oracle}$")
ax_accuracy.set_title("Accuracy of the oracle")
for ax in (ax_cost, ax_accuracy):
    ax.set_xlabel("simulator correlation (0: independent errors, 1: nested errors)")
    ax.grid(alpha=0.3)
ax_accuracy.legend(fontsize=8, loc="lower left");

# %% [markdown]
# **Think.** Why does the two-state curve fall with correlation while the four-state curve does
# not?
#
# <details><summary>Our answer</summary>
#
# With two states the oracle pays $R_L$ on IA and nowhere else. Nested errors make IA as small as
# it can be, $P(\text{IA}) = A_L - A_s$ (every error of the large model is also one of the small
# model); independent errors make it $(1 - A_s) A_L$, the largest the simulator reaches. Each
# extra IA instance costs $R_L$ *and* buys a right answer: with two states, independence buys
# accuracy with cost. With four states, the extra rescues go mostly to the cheap intermediate
# states, which can make the oracle both cheaper and more accurate. In both spaces the accuracy
# falls as the errors nest: $A_\text{oracle} = 1 - P(e_N)$, and $P(e_N)$ grows towards its
# largest possible value, $1 - A_N$.
#
# Comparing two oracles that differ in accuracy *and* cost is comparing apples and oranges: the
# fair comparison is the cost at the **same** accuracy. That is where Lecture 3 starts.
# </details>

# %% [markdown]
# ## Recap
# - In a two-state problem only one case of four, IA (small wrong, large right), is worth paying
#   for; the oracle's cost is $R_s + (R_L - R_s) P(\text{IA})$ and its accuracy $1 - P(\text{II})$.
# - **Definition 2.1 (Eq 4):** per instance, the adaptive oracle runs the cheapest right state, and
#   $S_1$ when none is right.
# - **Eq 5:** $R_\text{oracle} = \sum_i s_i R_i$ with exit shares $s_1 = A_1 + P(e_N)$ and
#   $s_i = P(e_{i-1}) - P(e_i)$; $A_\text{oracle} = 1 - P(e_N)$.
# - **Eq 6:** $P(e_i) = \alpha_i (1 - A_i)$, with $\alpha_i = P(e_{i-1} \mid W_i)$, the chance that
#   every smaller state is wrong when state $i$ is.
# - A loop over instances, the closed form and `bounds.oracle` agree.
# - A label oracle knows the answer and says nothing about routing; the adaptive oracle knows only
#   which states are right, and bounds every router between them.
# - The same choices cost $\sum_i s_i R_i$ for a selector and $\sum_i s_i C_i$ for a cascade;
#   early exits share a backbone and pay nearly the selector's price
#   (`bounds.oracle(correct, costs, sequential_costs=...)`).
# - How the errors overlap, not only the accuracies, sets the oracle's cost and accuracy.
#
# ## What comes next
# - [Lecture 3 · α and the bounds](03_alpha_and_bounds.ipynb): without a correctness matrix, what
#   can we say from costs and accuracies alone? Eq 7-9, the constant-α line, and a slip in the
#   paper's appendix that you will find yourself.
# - Graded assignment: [a02 · The adaptive oracle](../exercises/a02_oracle/a02_oracle.ipynb).
#
# ## References
# - S. Hor, Y. Qian, M. Pilanci, A. Arbabian. *Adaptive Inference: Theoretical Limits and
#   Unexplored Opportunities.* Section 2.2 (Fig 1, Definition 2.1, Eq 4-6) and Appendix A.2 (the
#   proof of Eq 5).
# - Y. Meng et al. *AR-Net: Adaptive Frame Resolution for Efficient Action Recognition.* ECCV 2020
#   (a selector: a policy network picks one model per input).
# - S. Laskaridis, A. Kouris, N. D. Lane. *Adaptive Inference through Early-Exit Networks: Design,
#   Challenges and Directions.* EMDL 2021.
