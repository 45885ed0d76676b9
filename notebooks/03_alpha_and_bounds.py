# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (adaptlab)
#     language: python
#     name: adaptlab
# ---

# %% [markdown]
# # 3 · α and the bounds
#
# In Lecture 2 you computed the adaptive oracle exactly, from a matrix that says which model
# gets which input right. For the models people actually use (EfficientNet, ViT, Llama-2) you
# rarely have that matrix. You have a table: one cost and one accuracy per model. How much
# can you say about adaptive inference from that table alone?
#
# Quite a lot, it turns out. The paper's general formula (Eq 7) splits the oracle's cost into
# what is published (costs $R_i$ and accuracies $A_i$) and what is hidden (the error overlaps
# $\alpha_i$). Fix the hidden part at its worst case, $\alpha = 1$, and you get a bound from the
# published figures alone (Eq 9). That bound is how the paper fills its Table 1.
#
# **Objectives.** By the end you can:
# - derive Eq 7 step by step from the oracle's exit shares, and catch the appendix's index slip
#   by running both versions;
# - measure $\alpha_i$ on a correctness matrix and say what small and large $\alpha$ mean;
# - compute the constant-α line (Eq 8) and the conservative bound (Eq 9) for any state space,
#   and rebuild Table 1's α = 1 columns from published figures;
# - compare a bound and the exact oracle **at the same accuracy**, and say what the
#   conservative bound guarantees.
#
# **Estimated time:** 45 minutes.
#
# **Prerequisites:** [Lecture 2 · The adaptive oracle](02_adaptive_oracle.ipynb) (Definition
# 2.1, Eq 4-6, exit shares, selection vs sequential cost). Maths: conditional probability,
# sums and shifting a summation index. Python: numpy arrays.
#
# **Notation** (the paper numbers states from 1; the code numbers them from 0, so the paper's
# $R_1$ is `costs[0]`):
#
# | symbol | meaning | unit |
# |---|---|---|
# | $N$ | number of states (models), ordered by cost | - |
# | $R_i$ | cost of one inference in state $i$ | GFLOPs per instance |
# | $A_i$ | accuracy of state $i$ | fraction in [0, 1] |
# | $e_i$ | the event "states $1, \dots, i$ are all wrong" | - |
# | $\alpha_i$ | $P(\text{states } 1..i-1 \text{ all wrong} \mid \text{state } i \text{ wrong})$, for $i > 1$ | fraction |
# | $s_i$ | exit share: the fraction of instances the oracle answers with state $i$ | fraction |
# | $R_\text{oracle}$, $A_\text{oracle}$ | the oracle's expected cost and accuracy | GFLOPs, fraction |
# | $R_\text{ratio} = R_N / R_\text{oracle}$ | how many times cheaper than always running the largest state | × |
# | $\Delta R = R_N - R_\text{oracle}$ | resources saved per instance | GFLOPs |
# | $\Delta A = A_\text{oracle} - A_N$ | accuracy gained | percentage points (pp) |

# %%
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from IPython.display import display

from adaptlab import bounds, plots
from adaptlab.cascade import oracle_frontier
from adaptlab.metrics import cost_at_accuracy
from adaptlab.published import family_state_space, paper_table1, published_figures, table1
from adaptlab.simulate import correlated_models
from adaptlab.statespace import StateSpace

# Log-scaled cost axes with plain numbers (1, 10) rather than powers of ten.
plain_ticks = lambda ax: ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))

# %% [markdown]
# ## 1. From exit shares to Eq 7
# *Estimated time to here: 0 min.*
#
# Our state space for the whole lecture: the eight EfficientNets, B0 to B7, with the costs and
# ImageNet accuracies torchvision publishes. We shorten their names to B0 ... B7.

# %%
efficientnet = family_state_space("EfficientNet")
published = StateSpace([name.split("_")[-1].upper() for name in efficientnet.names],
                       efficientnet.costs, efficientnet.accuracies, unit="GFLOPs")
published.to_frame()

# %% [markdown]
# Published figures have no per-image correctness, so we simulate it: `correlated_models`
# draws a correctness matrix (20,000 instances × 8 states) with exactly these accuracies
# (rounded to whole instances) and errors that share a latent difficulty. The `correlation`
# knob sets how much they share; Section 3 turns it. The `space` below holds the accuracies
# measured on the matrix, so every formula sees the same numbers as the matrix does.

# %%
sim = correlated_models(published.accuracies, n_instances=20_000, correlation=0.8, seed=0)
space = StateSpace(published.names, published.costs, sim.correct.mean(axis=0), unit="GFLOPs")
alpha = bounds.alphas(sim.correct)
exact = bounds.oracle(sim.correct, space.costs)

print("alpha_i per state:", np.round(alpha, 3), "(alpha_1 is not defined: NaN)")
print(f"exact oracle: R_oracle = {exact.selection_cost:.4f} GFLOPs, "
      f"A_oracle = {exact.accuracy:.4f}")

# %% [markdown]
# ### 1.1 Exit shares, in terms of $P(e_i)$
#
# Recall from Lecture 2 what the oracle does with each instance (Eq 4): it answers with the
# cheapest state that is right; if no state is right, with state 1. So:
#
# - state 1 answers when it is right, $1 - P(e_1)$, **and** when every state is wrong,
#   $P(e_N)$: $\;s_1 = 1 - P(e_1) + P(e_N)$;
# - state $i > 1$ answers when states $1..i-1$ are wrong but state $i$ is right. The event
#   $e_i$ sits inside $e_{i-1}$, so this has probability $\;s_i = P(e_{i-1}) - P(e_i)$.
#
# And Eq 6 writes each $P(e_i)$ with an accuracy and an α:
#
# $$P(e_1) = 1 - A_1, \qquad P(e_i) = P(e_{i-1} \text{ and state } i \text{ wrong}) =
#   P(\text{state } i \text{ wrong}) \cdot P(e_{i-1} \mid \text{state } i \text{ wrong})
#   = (1 - A_i)\,\alpha_i \quad (i > 1).$$
#
# Let us check all of it on the matrix: $P(e_i)$ counted directly, $P(e_i)$ from Eq 6
# (`bounds.error_probabilities`), the shares $s_i$ from them, and the shares the oracle really
# uses.

# %%
wrong = ~sim.correct
p_counted = np.logical_and.accumulate(wrong, axis=1).mean(axis=0)  # all of states 1..i wrong
p = bounds.error_probabilities(space.accuracies, alpha)             # Eq 6
shares = np.concatenate([[1 - p[0] + p[-1]], p[:-1] - p[1:]])       # s_1, then s_i, i > 1
pd.DataFrame({"P(e_i) counted": p_counted, "P(e_i) by Eq 6": p,
              "s_i from P(e_i)": shares, "oracle's exit share": exact.exit_share},
             index=space.names).round(5)

# %% [markdown]
# The columns agree pair by pair: Eq 6 is an identity, not an approximation, and so are the
# shares.
#
# ### 1.2 The derivation, every step
#
# The oracle pays $R_i$ on the share $s_i$, so $R_\text{oracle} = \sum_i s_i R_i$ (Eq 5).
# Expand and shift the index of one sum so both run over the same $P(e_j)$:
#
# $$
# \begin{aligned}
# R_\text{oracle}
# &= R_1\bigl(1 - P(e_1) + P(e_N)\bigr) + \sum_{i=2}^{N} R_i\bigl(P(e_{i-1}) - P(e_i)\bigr)
#   && \text{Eq 5}\\
# &= R_1 - R_1 P(e_1) + R_1 P(e_N)
#   + \sum_{j=1}^{N-1} R_{j+1} P(e_j) - \sum_{j=2}^{N} R_j P(e_j)
#   && j = i - 1 \text{ in the first sum, } j = i \text{ in the second}\\
# &= R_1 - R_1 P(e_1) + R_1 P(e_N) + R_2 P(e_1)
#   + \sum_{j=2}^{N-1} (R_{j+1} - R_j) P(e_j) - R_N P(e_N)
#   && \text{take out } j = 1 \text{ and } j = N\\
# &= R_1 + (R_2 - R_1) P(e_1) + \sum_{j=2}^{N-1} (R_{j+1} - R_j) P(e_j) - (R_N - R_1) P(e_N)
#   && \text{collect } P(e_1), P(e_N) \qquad (\star)\\
# &= R_1 + (R_2 - R_1) P(e_1) + \sum_{i=3}^{N} (R_i - R_{i-1}) P(e_{i-1}) - (R_N - R_1) P(e_N)
#   && \text{rename } j = i - 1\\
# &= R_1 + (R_2 - R_1)(1 - A_1) + \sum_{i=3}^{N} \alpha_{i-1} (R_i - R_{i-1})(1 - A_{i-1})
#   - \alpha_N (R_N - R_1)(1 - A_N)
#   && \text{Eq 6, with } i - 1 \ge 2
# \end{aligned}
# $$
#
# and $A_\text{oracle} = 1 - P(e_N) = 1 - \alpha_N (1 - A_N)$. That is **Eq 7**, as the main
# text prints it.
#
# Line $(\star)$ reads like a staircase: every instance pays $R_1$; an instance that states
# $1..j$ all get wrong climbs one more step and pays $R_{j+1} - R_j$ on top; and the instances
# no state gets right are sent back to state 1, which refunds $R_N - R_1$. Keep $(\star)$ in mind:
# every $P(e_j)$ with $j < N$ *adds* cost.
#
# **Predict, then run.** Eq 7 uses only costs, accuracies and the eight α's: no instance, no
# per-image choice. Will it reproduce the exact oracle's cost to the last digit, or only
# approximately? Write your guess down, then run the cell.

# %%
eq7 = bounds.general(space.costs, space.accuracies, alpha)
print(f"Eq 7 (bounds.general):        R_oracle = {eq7.selection_cost:.10f}, "
      f"A_oracle = {eq7.accuracy:.10f}")
print(f"exact oracle (bounds.oracle): R_oracle = {exact.selection_cost:.10f}, "
      f"A_oracle = {exact.accuracy:.10f}")
print(f"difference: {eq7.selection_cost - exact.selection_cost:.1e} GFLOPs (floating-point rounding)")

# %% [markdown]
# Exact. With α measured on the same matrix, Eq 7 is not an estimate: it is the exact oracle,
# rewritten. The bounds below come from *guessing* α instead of measuring it.

# %% [markdown]
# ## 2. The appendix's index slip, found by you
# *Estimated time to here: 10 min.*
#
# The paper's appendix proves Eq 7 too, and its last lines write the sum as
#
# $$\sum_{i=3}^{N} (R_i - R_{i-1})\,\alpha_i (1 - A_i)
# \qquad\text{instead of}\qquad
# \sum_{i=3}^{N} \alpha_{i-1} (R_i - R_{i-1})(1 - A_{i-1}).$$
#
# The two cannot both be right. Rather than taking anyone's word for which is, let the exact
# oracle decide.
#
# ### Exercise 3.1 — Eq 7, twice
# Complete `eq7_cost` so that `version="main text"` adds $\alpha_{i-1}(R_i - R_{i-1})(1 -
# A_{i-1})$ inside the sum and `version="appendix"` adds $\alpha_i (R_i - R_{i-1})(1 - A_i)$.
# Everything outside the sum is already written. Mind the indices: the paper's $X_i$ is
# `X[i - 1]` in Python.
#
# **Predict, then run.** Which version will match `bounds.oracle` exactly? And the other one:
# will it say the oracle is cheaper or dearer than it really is? Write down both guesses
# before you run the check.

# %%
def eq7_cost(costs, accuracies, alphas, *, version):
    """R_oracle by Eq 7, with the sum as the main text or as the appendix writes it."""
    R, A, a = np.asarray(costs), np.asarray(accuracies), np.asarray(alphas)
    N = len(R)
    # R_1 + (R_2 - R_1)(1 - A_1) - alpha_N (R_N - R_1)(1 - A_N): the terms outside the sum
    total = R[0] + (R[1] - R[0]) * (1 - A[0]) - a[N - 1] * (R[N - 1] - R[0]) * (1 - A[N - 1])
    for i in range(3, N + 1):          # the paper's i = 3, ..., N
        step = R[i - 1] - R[i - 2]     # R_i - R_{i-1}
        if version == "main text":
            ...                        # total += alpha_{i-1} (R_i - R_{i-1}) (1 - A_{i-1})
        elif version == "appendix":
            ...                        # total += alpha_i (R_i - R_{i-1}) (1 - A_i)
        else:
            raise ValueError(f"version must be 'main text' or 'appendix', got {version!r}.")
    raise NotImplementedError("Student exercise: fill in the two '...' lines, then delete this line.")
    return total


# %%
# Check: both versions against the exact oracle, on the same matrix.
try:
    versions = {version: eq7_cost(space.costs, space.accuracies, alpha, version=version)
                for version in ("main text", "appendix")}
except NotImplementedError as stub:
    print(f"✗ Not yet: {stub}")
else:
    print(f"exact oracle (bounds.oracle): {exact.selection_cost:.6f} GFLOPs")
    for version, cost in versions.items():
        verdict = "matches" if abs(cost - exact.selection_cost) < 1e-9 else "does NOT match"
        print(f"Eq 7, {version:9}:         {cost:.6f} GFLOPs, "
              f"off by {cost - exact.selection_cost:+.2e}: {verdict}")
    if sum(abs(cost - exact.selection_cost) < 1e-9 for cost in versions.values()) != 1:
        print("✗ Exactly one version should match: check the indices of your two lines.")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
#         if version == "main text":
#             total += a[i - 2] * step * (1 - A[i - 2])   # alpha_{i-1}, A_{i-1}
#         elif version == "appendix":
#             total += a[i - 1] * step * (1 - A[i - 1])   # alpha_i, A_i
# ```
# and delete the `raise NotImplementedError` line.
# </details>
#
# <details><summary>Our answer: which one, and why</summary>
#
# The **main text** matches the exact oracle to rounding error; the appendix's version does
# not, and it comes out **cheaper** than the oracle really is.
#
# The slip is in the appendix's substitution step. After the index shift (our line $(\star)$
# and the one after it) the sum holds $P(e_{i-1})$, which Eq 6 turns into
# $\alpha_{i-1}(1 - A_{i-1})$. The appendix wrote $\alpha_i(1 - A_i)$, which is $P(e_i)$: the
# chance that one *more* state is wrong too. Since $e_i \subseteq e_{i-1}$, $P(e_i) \le
# P(e_{i-1})$, and every term of the sum shrinks (or at best stays): the appendix's formula
# undercounts the instances that climb past state $i-1$. It promises a cost below the exact
# oracle's, and at the oracle's accuracy no agent on these states can pay less than that.
# `adaptlab.bounds.general` implements the main text's version.
# </details>

# %% [markdown]
# ## 3. α, and the correlation knob
# *Estimated time to here: 20 min.*
#
# $\alpha_i$ asks: when state $i$ is wrong, how often are all the smaller states wrong too?
# Near 1, the larger model's errors are everybody's errors, and asking the small models does
# not help. Near 0, some smaller model usually knows the answer.
#
# **Predict, then run.** If the eight models' errors were independent (correlation 0), what
# would $\alpha_8$ be: near 0, near 0.5 or near 1? And at correlation 1, where every model
# ranks the instances by the same difficulty?

# %% mystnb={"image": {"alt": "Measured alpha per EfficientNet state, one line per simulator correlation from 0 to 1: at correlation 0 alpha stays near zero, and it climbs towards 1 as the correlation grows."}}
fig, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
for correlation, color in zip([0.0, 0.5, 0.8, 0.95, 1.0], plt.cm.plasma(np.linspace(0, 0.85, 5))):
    measured = bounds.alphas(
        correlated_models(published.accuracies, n_instances=20_000, correlation=correlation,
                          seed=0).correct)
    ax.plot(space.names[1:], measured[1:], "o-", color=color, label=f"correlation {correlation}")
ax.set_ylim(-0.02, 1.05)
ax.set_xlabel("state i (EfficientNet, by cost)")
ax.set_ylabel(r"measured $\alpha_i$")
ax.set_title(r"$\alpha_i$ = P(all smaller states wrong | state i wrong)")
ax.grid(alpha=0.3)
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1));

# %% [markdown]
# With independent errors, $\alpha_i$ collapses towards 0 as $i$ grows: the more smaller
# states there are, the likelier one of them is right by luck. As the shared difficulty grows,
# α rises, and at correlation 1 every α is exactly 1: every error of a larger state is an error
# of every smaller one (nested errors). Real families of models trained alike sit in between:
# see the paper's Fig 2, and the column `alpha_min` of `adaptlab.published.paper_table1()`.
#
# Now turn the knob yourself. The cell below simulates the family at one `correlation` and
# draws the states, the constant-α line of Eq 8 (dashed), the conservative bound of Eq 9
# (square), the constant-α point at the mean measured α (diamond) and the exact oracle (star).
# The faint red path is where the exact oracle goes as the correlation runs from 0 to 1 (red
# numbers: the correlation). The triangle is the continuous-state limit (Eq 13), for Lecture 7.
#
# **Try it:** run it at `correlation = 0.8`, then edit the value to 0.3, 0.95 and 1.0 and run
# it again. Watch the star and the diamond.

# %% mystnb={"image": {"alt": "Cost-accuracy plane of EfficientNet B0 to B7 simulated at one correlation, with the bounds and the exact oracle, and a dotted path of the exact oracle as the correlation goes from 0 to 1: the oracle moves down and to the right, towards the conservative bound."}}
correlation = 0.8  # the knob: any value from 0 to 1

knob = correlated_models(published.accuracies, n_instances=20_000, correlation=correlation, seed=0)
knob_space = StateSpace(space.names, space.costs, knob.correct.mean(axis=0), unit="GFLOPs")
knob_alpha = bounds.alphas(knob.correct)
knob_exact = bounds.oracle(knob.correct, knob_space.costs)

path = [bounds.oracle(correlated_models(published.accuracies, n_instances=20_000,
                                        correlation=c, seed=0).correct, space.costs)
        for c in np.linspace(0, 1, 21)]

ax = plots.cost_accuracy_plane(knob_space, oracle=knob_exact,
                               alpha=float(np.nanmean(knob_alpha[1:])),
                               title=f"EfficientNet B0-B7, simulated at correlation {correlation}")
ax.plot([point.selection_cost for point in path], [point.accuracy for point in path], ".-",
        color="tab:red", alpha=0.35, label="exact oracle as correlation runs 0 to 1")
for c, offset in [(0.0, (-4, 6)), (0.5, (7, 2)), (0.9, (7, 0)), (1.0, (7, 7))]:
    point = path[round(20 * c)]
    ax.annotate(f"{c:g}", (point.selection_cost, point.accuracy), textcoords="offset points",
                xytext=offset, fontsize=8, color="tab:red", va="center")
ax.set_ylim(top=1.025)
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
plain_ticks(ax)
print("measured alpha_i:", np.round(knob_alpha[1:], 3), f"-> mean {np.nanmean(knob_alpha[1:]):.3f}")
print(f"exact oracle: {knob_exact.selection_cost:.3f} GFLOPs, accuracy {knob_exact.accuracy:.4f}")

# %% [markdown]
# **Think.** At most correlations the star sits to the *right* of the dashed line: at the same
# accuracy the exact oracle pays more than the constant-α line says. Why? (Look at the
# measured α's the cell prints, and at line $(\star)$.)
#
# <details><summary>Our answer</summary>
#
# $A_\text{oracle} = 1 - \alpha_N(1 - A_N)$ depends on $\alpha_N$ alone, so the point of the
# dashed line at the star's accuracy is the one with every $\alpha_i = \alpha_N$. In this
# simulator the α's *fall* with $i$ (look at the printed values), so the real $\alpha_i$ of the
# middle states are larger than $\alpha_N$. By $(\star)$, each $P(e_j) = \alpha_j(1 - A_j)$
# with $j < N$ adds cost $R_{j+1} - R_j$: more instances climb further up the staircase than a
# constant α assumes. So the constant-α line is a *model*, exact only when α really is
# constant, and optimistic here. The paper uses it because its Fig 2 finds α nearly constant
# within a family. At correlation 1 every α is 1 and the star lands on the square: there the
# line is exact.
# </details>

# %% [markdown]
# ### Interactive demo 3.1 — both knobs at once
#
# The cell above simulates anew for every value you type. The α explorer simulates the family
# once per stop of its correlation slider (21 stops, a second or two), then moves the star (the
# exact oracle of the simulation) and the diamond (the constant-α point of Eq 8) as you drag
# either slider. Below the plane, the measured $\alpha_i$ and the slider's constant α; the
# readout gives $R_\text{ratio}$ and $\Delta A$ of both.
#
# **Try it:** at correlation 0.80, drag the constant α until the diamond reaches the star's
# accuracy. Which measured α does that α equal, and is the diamond then left or right of the
# star? Then move the correlation to 1.00 and the α to 1.00.
#
# <details><summary>Our answer</summary>
#
# $\alpha_N$, the readout's $\alpha_N$: the oracle's accuracy depends on it alone. The diamond
# then sits left of the star, cheaper, because the middle states' measured $\alpha_i$ are
# larger than $\alpha_N$ (the Think above). At correlation 1 and α = 1 they meet on the
# square: with nested errors Eq 9 is exact.
# </details>

# %%
from adaptlab.widgets import alpha_explorer

alpha_explorer(published, correlation=0.8, alpha=1.0)

# %% [markdown]
# ## 4. Guessing α: the constant-α line (Eq 8) and α = 1 (Eq 9)
# *Estimated time to here: 28 min.*
#
# Without a correctness matrix we cannot measure α, so we assume one value for all states,
# $\alpha_i = \alpha$. Eq 7 becomes **Eq 8**:
#
# $$
# \begin{aligned}
# R_\text{oracle}(\alpha) &= \underbrace{R_1 + (R_2 - R_1)(1 - A_1)}_{\text{cost at } \alpha = 0}
#  + \alpha \underbrace{\Bigl[\sum_{i=3}^{N} (R_i - R_{i-1})(1 - A_{i-1}) - (R_N - R_1)(1 - A_N)\Bigr]}_{\text{a constant, } b}, \\
# A_\text{oracle}(\alpha) &= 1 - \alpha (1 - A_N).
# \end{aligned}
# $$
#
# Both are affine in α, so as α runs from 0 to 1 the point $(R_\text{oracle}, A_\text{oracle})$
# moves along a **straight line** in the cost-accuracy plane (straight on linear axes; the
# figures above use a log cost axis, which bends it a little). Its two ends:
#
# - $\alpha = 0$: $A_\text{oracle} = 1$ at cost $R_1 + (R_2 - R_1)(1 - A_1)$. The optimistic end.
# - $\alpha = 1$: $A_\text{oracle} = A_N$. The conservative end, **Eq 9**.
#
# **Think.** At $\alpha = 0$ the cost involves only $R_1$ and $R_2$. Where did states 3 to $N$
# go?
#
# <details><summary>Our answer</summary>
#
# $\alpha_2 = 0$ means that whenever state 2 is wrong, state 1 is right: states 1 and 2 are
# never wrong together, $P(e_2) = 0$, and so $P(e_i) = 0$ for every $i \ge 2$. Every instance
# is answered by state 1 or state 2, and no instance ever needs state 3. Accuracy is 1 because
# every instance has a right answer in the first two states. (This needs $A_1 + A_2 \ge 1$:
# with weaker models the α = 0 end of the line is not even possible.)
# </details>
#
# **From Eq 8 at α = 1 to Eq 9.** With every $\alpha_i = 1$, Eq 6 gives $P(e_i) = 1 - A_i$ for
# all $i$, and the exit shares become
#
# $$s_1 = 1 - (1 - A_1) + (1 - A_N) = 1 - A_N + A_1, \qquad
#   s_i = (1 - A_{i-1}) - (1 - A_i) = A_i - A_{i-1}\quad(i > 1).$$
#
# Since $\sum_{i=2}^{N} (A_i - A_{i-1}) = A_N - A_1$ (the sum telescopes), $s_1 = 1 -
# \sum_{i=2}^{N}(A_i - A_{i-1})$, and
#
# $$
# \begin{aligned}
# R_\text{oracle} &= R_1 s_1 + \sum_{i=2}^{N} R_i (A_i - A_{i-1})
#   = R_1 - \sum_{i=2}^{N} R_1 (A_i - A_{i-1}) + \sum_{i=2}^{N} R_i (A_i - A_{i-1}) \\
# &= R_1 + \sum_{i=2}^{N} (R_i - R_1)(A_i - A_{i-1}), \qquad A_\text{oracle} = A_N.
#   \qquad\text{(Eq 9)}
# \end{aligned}
# $$
#
# Eq 9 needs nothing but published costs and accuracies. It also needs $A_i \ge A_{i-1}$ (the
# shares must not be negative): a dominated model, dearer *and* less accurate than another,
# must be dropped first. That is what `StateSpace.pareto()` does.
#
# ### Exercise 3.2 — Eq 9 in one line
# Compute the conservative $R_\text{oracle}$ of the published EfficientNet family with numpy,
# from `R` and `A` alone. Hint: `np.diff(A)` is $A_i - A_{i-1}$ for $i = 2..N$.

# %%
R, A = published.costs, published.accuracies  # torchvision's figures, B0 to B7

eq9_cost = ...  # R_1 + sum_{i=2}^{N} (R_i - R_1)(A_i - A_{i-1})

# %%
# Check
library = published.conservative()
if eq9_cost is ...:
    print("✗ Not yet: replace the ... above with your one-line formula, then run both cells.")
elif abs(eq9_cost - library.selection_cost) < 1e-9:
    print(f"✓ {eq9_cost:.4f} GFLOPs, as published.conservative() says: "
          f"{library.r_ratio:.1f}x cheaper than B7's {library.largest_cost:.2f} GFLOPs.")
else:
    print(f"✗ You got {eq9_cost:.4f} GFLOPs; published.conservative() says "
          f"{library.selection_cost:.4f}. Check which costs and which accuracy steps you pair.")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# eq9_cost = R[0] + np.sum((R[1:] - R[0]) * np.diff(A))
# ```
# </details>

# %% [markdown]
# ## 5. Table 1 from published figures
# *Estimated time to here: 33 min.*
#
# The paper's Table 1 applies Eq 9 to six state spaces. `adaptlab.published.table1()` rebuilds
# each row from per-model figures with a citable source (torchvision's model cards, the Llama 2
# paper), keeping each family's Pareto frontier, and sets our result beside the paper's.

# %%
rebuilt = table1()
shown = rebuilt[["context", "family", "paper A_N", "A_N", "paper R_oracle", "R_oracle",
                 "paper R_ratio", "R_ratio", "matches"]]
shown.style.format({"paper A_N": "{:.2%}", "A_N": "{:.2%}", "paper R_oracle": "{:,.2f}",
                    "R_oracle": "{:,.2f}", "paper R_ratio": "{:.2f}x", "R_ratio": "{:.2f}x"},
                   na_rep="cannot be rebuilt")

# %% [markdown]
# Where `matches` is True, our $R_\text{ratio}$ is within the tolerance of `table1` (an
# argument) of the paper's; the rows without numbers cannot be rebuilt at all. The `note`
# column says why, row by row:

# %%
for row in rebuilt.itertuples():
    print(f"{row.family:>12}: {row.note}")

# %% [markdown]
# So:
# - **Pythia** and the two **SOTA** rows cannot be rebuilt. The SOTA rows are envelopes of
#   leaderboards (Papers with Code, the Hugging Face Open LLM leaderboard, January 2024) that the
#   paper does not list model by model; Pythia's per-model HellaSwag accuracies are not published
#   in a table we can cite. A bound is only as reproducible as its inputs.
# - **EfficientNet** and **Llama-2** differ because the paper measured its own accuracies: its
#   $A_N$ is not the published one. **ViT** differs because the paper does not say which of the
#   ViT weights it used. Eq 9 is sensitive to the accuracy *steps* $A_i - A_{i-1}$, which are
#   small differences of large numbers.
#
# Why the frontier matters is easiest to see on the ViT weights: some are dearer and less
# accurate than another one (hollow circles in the figure, `False` in the table). Kept in, they
# would get negative shares $A_i - A_{i-1}$ in Eq 9; the bounds refuse them and name them.

# %% mystnb={"image": {"alt": "Cost-accuracy plane of torchvision's published ViT weights, numbered as in the table above, cost in GFLOPs on a log axis, with the conservative bound far to the left of the most accurate weight."}}
figures = published_figures()
vit = figures[figures["family"] == "ViT"].sort_values(["cost_gflops", "accuracy"], kind="stable")
numbers = [str(k) for k in range(1, len(vit) + 1)]  # short labels for the figure
vit_space = StateSpace(numbers, vit["cost_gflops"], vit["accuracy"], unit="GFLOPs")
on_frontier = set(vit_space.pareto().names)
display(pd.DataFrame({"weight (torchvision)": vit["model"].to_numpy(),
                      "GFLOPs": vit_space.costs, "accuracy": vit_space.accuracies,
                      "on the frontier": [k in on_frontier for k in numbers]}, index=numbers))
ax = plots.cost_accuracy_plane(vit_space, title="ViT on ImageNet: torchvision's published weights")
plain_ticks(ax)

# %% [markdown]
# The paper's optimistic columns use Eq 8 at $\alpha_\text{min}$, the smallest α it measured in
# each family. We cannot measure α without per-image predictions, but we can plug the paper's
# $\alpha_\text{min}$ into Eq 8 with the published figures:

# %%
alpha_min = paper_table1().set_index("family")["alpha_min"]  # as printed in Table 1
optimistic = []
for family in ["EfficientNet", "ViT", "Llama-2"]:
    point = family_state_space(family).constant_alpha(alpha_min[family])
    optimistic.append({"family": family, "alpha_min (paper)": alpha_min[family],
                       "A_oracle": point.accuracy, "Delta A (pp)": 100 * point.delta_a,
                       "R_oracle (GFLOPs)": point.selection_cost, "R_ratio": point.r_ratio})
pd.DataFrame(optimistic).round(3)

# %% [markdown]
# Compare with the paper's optimistic columns (EfficientNet 90.67% and 70.26×, ViT 94.00% and
# 65.33×, Llama-2 85.43% and 7.36×): close, and off for the same reasons as above.

# %% [markdown]
# ## 6. A bound and the exact oracle, at the same accuracy
# *Estimated time to here: 38 min.*
#
# A learner ran the knob of Section 3 at correlation 0.9 and wrote: *"The conservative bound
# assumes the worst case, α = 1. Yet it is cheaper than the exact oracle. How can the worst
# case be cheaper than the truth?"*
#
# **Predict, then run.** Before reading on, look at the two points they compared, the square
# and the star. What differs between them besides the cost?

# %%
confused = correlated_models(published.accuracies, n_instances=20_000, correlation=0.9, seed=0)
confused_space = StateSpace(space.names, space.costs, confused.correct.mean(axis=0), unit="GFLOPs")
confused_exact = bounds.oracle(confused.correct, confused_space.costs)
safe = confused_space.conservative()
frontier = oracle_frontier(confused.correct, confused_space.costs)
A_N = confused_space.accuracies[-1]
exact_at_A_N = cost_at_accuracy(frontier.cost, frontier.accuracy, target_accuracy=A_N)

print(f"conservative bound (Eq 9):   {safe.selection_cost:.3f} GFLOPs at accuracy {safe.accuracy:.4f} (= A_N)")
print(f"exact oracle (Eq 4-5):       {confused_exact.selection_cost:.3f} GFLOPs at accuracy "
      f"{confused_exact.accuracy:.4f} (= A_oracle, {100 * confused_exact.delta_a:+.1f} pp)")
print(f"exact oracle, at A_N:        {exact_at_A_N:.3f} GFLOPs at accuracy {A_N:.4f}")

# %% [markdown]
# They sat at **different accuracies**. The exact oracle answers *every* instance that some
# state gets right, so it reaches $A_\text{oracle} \ge A_N$ (here well above), and it pays for
# that extra accuracy.
# The bound sits at $A_N$. To compare them fairly, ask the exact oracle what it would pay to
# reach only $A_N$.
#
# That is its **frontier** (`adaptlab.cascade.oracle_frontier`): start from state 1 on every
# instance; each instance that state 1 gets wrong but some state gets right can be fixed by
# paying its cheapest right state instead, for $R_\text{first right} - R_1$ more. Buying the
# cheapest fixes first traces the least cost of every reachable accuracy, from $(R_1, A_1)$ up
# to the oracle itself. `adaptlab.metrics.cost_at_accuracy` reads off the least cost at a
# target accuracy.

# %% mystnb={"image": {"alt": "Cost-accuracy plane at correlation 0.9 with the exact oracle's frontier in red: at the largest state's accuracy, a double arrow joins the exact oracle's cost and the conservative bound's cost, showing how far apart they are at the same accuracy."}}
ax = plots.cost_accuracy_plane(confused_space, oracle=confused_exact,
                               title="Correlation 0.9: compare at the same accuracy")
ax.plot(frontier.cost, frontier.accuracy, color="tab:red", lw=1.5,
        label="exact oracle's frontier: least cost of each accuracy")
ax.axhline(A_N, color="0.5", lw=0.8, ls=":")
ax.plot(exact_at_A_N, A_N, "o", color="tab:red", mfc="white", mew=2, ms=9,
        label="exact oracle at A_N")
below = A_N - 0.008  # an arrow just under the dotted line: same accuracy, two costs
ax.annotate("", xy=(safe.selection_cost, below), xytext=(exact_at_A_N, below),
            arrowprops={"arrowstyle": "<->", "color": "0.3"})
ax.annotate("same accuracy", (np.sqrt(safe.selection_cost * exact_at_A_N), below),
            textcoords="offset points", xytext=(0, -9), ha="center", fontsize=8, color="0.3")
ax.set_ylim(top=1.005)
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
plain_ticks(ax)

# %% [markdown]
# At the same accuracy $A_N$ (the dotted line) the exact oracle (open circle) is *cheaper* than
# the bound (square), as a conservative bound should be. The star is further up its frontier,
# buying accuracy no single model has.
#
# Is that luck at correlation 0.9, or does it always hold? Check it.
#
# ### Exercise 3.3 — Does the conservative bound ever promise too much?
# For correlations from 0 to 1 and three seeds, compute the exact oracle's least cost at
# accuracy $A_N$ and set it beside Eq 9. Fill in the `...`.

# %%
rows = []
for correlation in np.linspace(0, 1, 11):
    for seed in range(3):
        trial = correlated_models(published.accuracies, n_instances=5_000,
                                  correlation=correlation, seed=seed)
        accuracies = trial.correct.mean(axis=0)
        trial_frontier = oracle_frontier(trial.correct, published.costs)
        at_A_N = ...  # the exact oracle's least cost at accuracy A_N = accuracies[-1]
        rows.append({"correlation": correlation, "seed": seed,
                     "Eq 9": bounds.conservative(published.costs, accuracies).selection_cost,
                     "exact at A_N": at_A_N})
same_accuracy = pd.DataFrame(rows)

# %%
# Check
if any(value is ... for value in same_accuracy["exact at A_N"]):
    print("✗ Not yet: compute at_A_N with cost_at_accuracy(...) on trial_frontier.")
else:
    gap = same_accuracy["Eq 9"] - same_accuracy["exact at A_N"].astype(float)
    print(f"smallest gap Eq 9 - exact at A_N: {gap.min():+.2e} GFLOPs")
    print(f"largest gap at correlation 1:     {gap[same_accuracy.correlation == 1].abs().max():.2e} GFLOPs")
    print("✓ The bound is never below the exact oracle at A_N." if gap.min() > -1e-9
          else "✗ A bound below the exact oracle: check your target accuracy.")
    display(same_accuracy.assign(gap=gap).groupby("correlation")[["Eq 9", "exact at A_N", "gap"]]
            .mean().round(4) + 0.0)  # + 0.0 turns a rounded -0.0 into 0.0

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
#         at_A_N = cost_at_accuracy(trial_frontier.cost, trial_frontier.accuracy,
#                                   target_accuracy=accuracies[-1])
# ```
# You should see every gap $\ge 0$ (up to rounding) and a gap of 0 at correlation 1. Notice
# also that the exact cost at $A_N$ hardly moves until the correlation is high: as long as
# enough of B0's errors are instances B1 gets right, the oracle reaches $A_N$ with B0 and B1
# alone, at $R_1 + (A_N - A_1)(R_2 - R_1)$.
# </details>
#
# **Think.** Why can the exact oracle at $A_N$ never cost more than Eq 9, whatever the
# overlap of the errors? And why are they equal at correlation 1?
#
# <details><summary>Our answer</summary>
#
# Count the fixes. To go from $A_1$ to $A_N$ the oracle must fix $(A_N - A_1)\,n$ instances
# that state 1 gets wrong. Eq 9's shares fix $(A_i - A_{i-1})\,n$ of them with state $i$, at
# $R_i - R_1$ each: that is the situation with nested errors (α = 1), where state $i$ is the
# first right state on exactly those instances. With any other overlap, at least $(A_i -
# A_1)\,n$ of the instances state 1 gets wrong have a right state among $2..i$, because state
# $i$ alone is right on $A_i\,n$ instances. So for every price level there are at least as
# many fixes at that price or cheaper as Eq 9 assumes, and the frontier, which buys the
# cheapest fixes first, can only pay less. With nested errors (correlation 1) the fixes are
# exactly Eq 9's, and the two coincide.
#
# So Eq 9 is a guarantee about **one** question: *what does it cost to match the largest
# model?* The exact answer is at most the bound. It says nothing about the other question,
# *what accuracy can adaptivity add, and at what price?*, which is the star, and which needs α.
# </details>

# %% [markdown]
# ## Recap
# - The oracle's exit shares are $s_1 = 1 - P(e_1) + P(e_N)$ and $s_i = P(e_{i-1}) - P(e_i)$;
#   with $P(e_1) = 1 - A_1$ and $P(e_i) = \alpha_i(1 - A_i)$ they give **Eq 7** exactly, and
#   with α measured on the data Eq 7 *is* the exact oracle.
# - The appendix's proof writes $\alpha_i(1 - A_i)$ where $\alpha_{i-1}(1 - A_{i-1})$ belongs;
#   the main text is right, and the slip would promise an oracle cheaper than any that exists.
# - α measures how much the errors overlap: near 0 for independent errors, 1 for nested ones.
# - A constant α turns Eq 7 into **Eq 8**, a straight line from $(R_1 + (R_2 - R_1)(1 - A_1),
#   1)$ at α = 0 to **Eq 9** at α = 1. The line is a model, not a bound: when the real α's fall
#   with the state index, the exact oracle is dearer than the line at the same accuracy.
# - **Eq 9** needs only published costs and accuracies (on the Pareto frontier). We rebuilt
#   three rows of Table 1 from citable figures; Pythia and the two SOTA rows cannot be rebuilt.
# - Compare a bound and the exact oracle **at the same accuracy**. At $A_N$ the exact oracle
#   never costs more than Eq 9, and costs exactly Eq 9 when errors are nested.
#
# ## What comes next
# - [Lecture 4 · A state space you train yourself](04_your_state_space.ipynb): six scikit-learn
#   models trained in seconds, their measured α (the paper's Fig 2) and the exact oracle against
#   the bounds (Fig 4).
# - Assignment: `exercises/a03_bounds/a03_bounds.ipynb`.
#
# ## References
# - S. Hor, Y. Qian, M. Pilanci, A. Arbabian. *Adaptive Inference: Theoretical Limits and
#   Unexplored Opportunities.* Section 2.2 (Eq 5-9), Section 3 and Table 1, Appendix A.2.
# - torchvision model cards (EfficientNet, ViT: `_metrics` and `_ops` of each weight) and
#   H. Touvron et al., *Llama 2: Open Foundation and Fine-Tuned Chat Models*, 2023, Table 20:
#   the sources of `adaptlab.published.published_figures()`.
