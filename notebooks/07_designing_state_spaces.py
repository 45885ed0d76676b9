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
# # 7 · Designing the state space
#
# Lectures 2-6 took the models as given and asked what an adaptive agent could do with them.
# This lecture turns the question around: **which models should you put in the state space in the
# first place?** How small may the smallest model be, how large the largest, how many in between,
# and which ones? The paper's Section 4 answers with four formulas (Eq 10-13) and a striking
# figure: on the ImageNet state of the art, 4 well-chosen models would give an oracle over 80×
# cheaper than the largest, 7 models over 100×, all of them 121.77×.
#
# You will derive each formula, catch a slip in one of them (Eq 11) by computing it, and then put
# the paper's headline figures to the test on 1,543 published ImageNet models. That test does not
# go the paper's way, and *why* it does not is the most useful thing this lecture teaches: a
# conservative bound is ruled by the few largest models at the top of the envelope.
#
# **Objectives.** By the end you can:
# - derive Eq 10 (dynamic range), Eq 12 (granularity) and Eq 13 (continuous limit) from Eq 9, and
#   compute each with `StateSpace` methods;
# - derive the smallest-state rule (Eq 11), and show numerically that its right-hand side holds
#   $R_2$, not the $R_N$ the main text prints;
# - find the best k-state subset of a state space, check it by brute force, and redraw the
#   paper's Fig 5 and Fig 6;
# - rebuild Table 2 on published models, and run a sensitivity analysis of the bound: which
#   states rule $R_\text{ratio}$, and what one model at the top does to it;
# - decide which models to deploy with a cascade designed on validation and reported on test.
#
# **Estimated time:** 60 minutes.
#
# **Prerequisites:** [Lecture 3 · α and the bounds](03_alpha_and_bounds.ipynb) (Eq 7-9, exit shares
# $s_i$) and [Lecture 6 · Practical routers vs the bounds](06_routers_vs_bounds.ipynb) (calibrate on
# validation, report on test). Maths: telescoping sums, one integration by parts. Python: numpy,
# a little pandas.
#
# **Notation** (as in Lecture 3; the paper numbers states from 1, the code from 0):
#
# | symbol | meaning | unit |
# |---|---|---|
# | $N$ | number of states, ordered by cost | - |
# | $R_i$, $A_i$ | cost and accuracy of state $i$ | GFLOPs or GMACs per instance, fraction |
# | $s_i$ | share of instances the α = 1 oracle answers with state $i$: $s_1 = 1 - A_N + A_1$, $s_i = A_i - A_{i-1}$ | fraction |
# | $R_\text{oracle}$ | the conservative (α = 1) oracle's cost, Eq 9, at accuracy $A_N$ | GFLOPs or GMACs |
# | $R_\text{ratio} = R_N / R_\text{oracle}$ | times cheaper than always running the largest state | × |
# | $\Delta R = R_N - R_\text{oracle}$ | resources saved per instance | GFLOPs or GMACs |
# | $C$ | number of classes; a random guess is right $1/C$ of the time | - |
# | $k$ | number of states kept in a subset (the largest always kept) | - |
# | $A(R)$, $R_h$, $A_h$ | accuracy as a function of cost in a continuous state space; its largest cost and accuracy | -, cost, fraction |
# | MACs | multiply-accumulates; 1 MAC ≈ 2 FLOPs. $R_\text{ratio}$ has no unit, so either works | - |

# %%
import itertools

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from IPython.display import display

from adaptlab import bounds, plots
from adaptlab.published import (family_state_space, paper_table1, timm_imagenet,
                                timm_sources, timm_state_space)
from adaptlab.statespace import StateSpace

# Log-scaled cost axes with plain numbers (1, 10) rather than powers of ten.
plain_ticks = lambda ax: ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))

# %% [markdown]
# ## 1. Dynamic range: the smallest and the largest state (Eq 10)
# *Estimated time to here: 0 min.*
#
# Our first state space is Lecture 3's: the eight EfficientNets B0 to B7, with the costs and
# ImageNet accuracies torchvision publishes.

# %%
efficientnet = family_state_space("EfficientNet")
effnet = StateSpace([name.split("_")[-1].upper() for name in efficientnet.names],
                    efficientnet.costs, efficientnet.accuracies, unit="GFLOPs")
effnet.to_frame()

# %% [markdown]
# Eq 9 with only two states, $N = 2$, has a single term in its sum:
#
# $$
# R_\text{oracle} = R_1 + \sum_{i=2}^{2} (R_i - R_1)(A_i - A_{i-1}) = R_1 + (R_2 - R_1)(A_2 - A_1).
# $$
#
# Call the second state $N$ (it is the largest) and you have **Eq 10**:
#
# $$R_\text{oracle} = R_1 + (A_N - A_1)(R_N - R_1), \qquad A_\text{oracle} = A_N.$$
#
# Read it as Lecture 3's exit shares: every instance pays $R_1$, and the share $A_N - A_1$ that the
# small state gets wrong and the large one gets right pays $R_N - R_1$ more. The two ends of the
# state space, its **dynamic range**, decide everything. `space.two_state()` computes it from the
# first and last state of any space.
#
# **Predict, then run.** All eight EfficientNets give the conservative bound $R_\text{ratio}$ you
# met in Lecture 3. Keep only B0 and B7: do you keep most of that gain, about half, or much less?

# %%
full, ends = effnet.conservative(), effnet.two_state()
print(f"all {len(effnet)} states (Eq 9): R_oracle = {full.selection_cost:.3f} GFLOPs, "
      f"R_ratio = {full.r_ratio:.1f}x")
print(f"B0 and B7 only (Eq 10):  R_oracle = {ends.selection_cost:.3f} GFLOPs, "
      f"R_ratio = {ends.r_ratio:.1f}x")

# %% [markdown]
# Much less. With two states the oracle must send every instance B0 gets wrong and B7 gets right
# to B7 itself, at B7's full price; the states in between would have caught most of them for far
# less. Section 3 measures exactly what each of them saves.
#
# The paper's design advice from Eq 10: a wider dynamic range (a more accurate, dearer largest
# state) buys accuracy and costs efficiency. The table below keeps B0 and moves the top.

# %%
pd.DataFrame([{"largest state": effnet.names[top], "A_oracle = A_N": point.accuracy,
               "R_oracle (GFLOPs)": point.selection_cost, "R_ratio": point.r_ratio}
              for top in range(1, len(effnet))
              for point in [effnet.subset([0, top]).two_state()]]).round(3)

# %% [markdown]
# ### Exercise 1.1 — Eq 10 in one line
# Compute Eq 10 for B0 and B7 with numpy, from `R` and `A`, and compare with `effnet.two_state()`.

# %%
R, A = effnet.costs, effnet.accuracies  # B0 ... B7

eq10_cost = ...  # R_1 + (A_N - A_1)(R_N - R_1)

# %%
# Check
if eq10_cost is ...:
    print("✗ Not yet: replace the ... above with Eq 10, then run both cells.")
elif np.isclose(eq10_cost, ends.selection_cost):
    print(f"✓ {eq10_cost:.4f} GFLOPs, as effnet.two_state() says.")
else:
    print(f"✗ You got {eq10_cost:.4f} GFLOPs; effnet.two_state() says {ends.selection_cost:.4f}. "
          "Use the first and the LAST state: R[0], R[-1], A[0], A[-1].")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# eq10_cost = R[0] + (A[-1] - A[0]) * (R[-1] - R[0])
# ```
# </details>

# %% [markdown]
# ## 2. How cheap must the smallest state be? Eq 11, found by you
# *Estimated time to here: 8 min.*
#
# A smallest state is only worth running if it beats a free guess. The paper's test (Section
# 4.1.1): replace $S_1$ by a **random guesser** $S_1'$ that costs nothing, $R_1' = 0$, and is right
# $A_1' = 1/C$ of the time; keep every other state. If Eq 9 is cheaper on the space with the
# guesser, your smallest state costs more than it is worth. The main text prints the resulting rule
# as
#
# $$R_1 < \frac{A_1 - \frac{1}{C}}{1 - A_N + A_1}\,R_N, \tag{11, main text}$$
#
# and the appendix ends its proof of the same rule with $R_2$, the second state's cost, where the
# main text has $R_N$. They cannot both be right: for EfficientNet, $R_N$ is 55 times $R_2$.
# Let the bound itself decide.
#
# **The experiment.** Keep B1..B7 as they are and move B0's cost $R_1$ from 0 up to just below
# $R_2$ (B1's cost). For each $R_1$ compute Eq 9 on the real space, and compare with Eq 9 on the
# space whose first state is the guesser (ImageNet has $C = 1000$ classes). The $R_1$ where the two
# cross is the largest cost a smallest state may have: the rule's right-hand side, measured.

# %% mystnb={"image": {"alt": "Line of the conservative oracle's cost (Eq 9) as the smallest state's cost R_1 grows from 0 to B1's cost, with a horizontal line at the cost when a free random guess is the first state: the rising line crosses it at the break-even cost the cell prints."}}
n_classes = 1000
guesser = bounds.conservative(np.r_[0.0, R[1:]], np.r_[1 / n_classes, A[1:]])
scanned_R1 = np.linspace(0.0, R[1], 201)[:-1]  # the smallest state must stay below R_2
with_state_1 = np.array([bounds.conservative(np.r_[r1, R[1:]], A).selection_cost
                         for r1 in scanned_R1])
# Eq 9 is linear in R_1, so the crossing follows from two points of the scan.
slope = (with_state_1[-1] - with_state_1[0]) / (scanned_R1[-1] - scanned_R1[0])
break_even = scanned_R1[0] + (guesser.selection_cost - with_state_1[0]) / slope
print(f"Eq 9 with a free random guess as state 1: R'_oracle = {guesser.selection_cost:.4f} GFLOPs")
print(f"Eq 9 with B0 as state 1 crosses it at R_1 = {break_even:.4f} GFLOPs "
      f"(B0 costs {R[0]:.3f}; B1, the next state, {R[1]:.3f})")

fig, ax = plt.subplots(figsize=(7.5, 3.8), layout="constrained")
ax.plot(scanned_R1, with_state_1, color="tab:blue", label="Eq 9 with state 1 of cost $R_1$")
ax.axhline(guesser.selection_cost, color="tab:red", ls="--",
           label="Eq 9 with a free random guess as state 1")
ax.axvline(break_even, color="0.4", lw=1, ls=":", label=f"break-even $R_1$ = {break_even:.3f}")
ax.axvline(R[0], color="tab:green", lw=1, label=f"B0's real cost, {R[0]:.3f}")
ax.set_xlabel("cost of the smallest state $R_1$ (GFLOPs per image)")
ax.set_ylabel(r"$R_{oracle}$ (GFLOPs, $\alpha$ = 1)")
ax.set_title("When does the smallest state pay for itself?")
ax.grid(alpha=0.3)
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1));

# %% [markdown]
# ### Exercise 2.1 — Eq 11, twice
# Complete `eq11_limit` so that `version="main text"` returns $\frac{A_1 - 1/C}{1 - A_N + A_1} R_N$
# and `version="appendix"` returns the same fraction times $R_2$. Mind the indices: the paper's
# $R_2$ is `R[1]`.
#
# **Predict, then run.** Which version lands on the break-even point measured above? Before you
# run: which of the two numbers would even fit below $R_2$?

# %%
def eq11_limit(costs, accuracies, n_classes, *, version):
    """The largest R_1 worth paying (Eq 11), as the main text or as the appendix writes it."""
    R, A = np.asarray(costs), np.asarray(accuracies)
    fraction = (A[0] - 1 / n_classes) / (1 - A[-1] + A[0])
    if version == "main text":
        ...  # return fraction times R_N
    elif version == "appendix":
        ...  # return fraction times R_2
    else:
        raise ValueError(f"version must be 'main text' or 'appendix', got {version!r}.")
    raise NotImplementedError("Student exercise: fill in the two '...' lines, then delete this line.")


# %%
# Check: both versions against the break-even point of the scan.
try:
    limits = {version: eq11_limit(R, A, n_classes, version=version)
              for version in ("main text", "appendix")}
except NotImplementedError as stub:
    print(f"✗ Not yet: {stub}")
else:
    print(f"break-even R_1 measured by the scan: {break_even:.4f} GFLOPs")
    for version, limit in limits.items():
        verdict = "matches" if np.isclose(limit, break_even) else "does NOT match"
        print(f"Eq 11, {version:9}: R_1 < {limit:8.4f} GFLOPs: {verdict}")
    print(f"library (bounds.smallest_state_limit): {effnet.smallest_state_limit(n_classes):.4f}")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
#     if version == "main text":
#         return fraction * R[-1]   # R_N
#     elif version == "appendix":
#         return fraction * R[1]    # R_2
# ```
# and delete the `raise NotImplementedError` line.
# </details>
#
# <details><summary>Our answer: which one, and why</summary>
#
# The **appendix's** version lands on the break-even point; the main text's $R_N$ version allows
# a "smallest" state dearer than B1, and even than several of the states above it: it puts no
# useful limit at all. Follow the derivation to see why. Eq 9 splits as
#
# $$
# R_\text{oracle} = R_1 + \sum_{i=2}^{N}(R_i - R_1)(A_i - A_{i-1})
# = R_1 \underbrace{\Bigl(1 - \sum_{i=2}^{N}(A_i - A_{i-1})\Bigr)}_{1 - A_N + A_1}
#   + \sum_{i=2}^{N} R_i (A_i - A_{i-1})
# = R_1 (1 - A_N + A_1) + R_2 (A_2 - A_1) + \sum_{i=3}^{N} R_i (A_i - A_{i-1}).
# $$
#
# The guesser has $R_1' = 0$ and $A_1' = 1/C$, so $R'_\text{oracle} = R_2 (A_2 - \frac1C) +
# \sum_{i=3}^{N} R_i (A_i - A_{i-1})$: **only state 2's term changes**, because under α = 1 the
# instances state 1 gets wrong and some larger state gets right are first caught by state 2.
# Subtract:
#
# $$
# R_\text{oracle} - R'_\text{oracle} = R_1 (1 - A_N + A_1) + R_2 (A_2 - A_1) - R_2 (A_2 - \tfrac1C)
# = R_1 (1 - A_N + A_1) - R_2 (A_1 - \tfrac1C),
# $$
#
# which is negative exactly when $R_1 < \frac{A_1 - 1/C}{1 - A_N + A_1} R_2$. The appendix's
# algebra is right and the main text copied it with the wrong index. `bounds.smallest_state_limit`
# implements the $R_2$ version.
# </details>
#
# **Think.** The rule holds $R_2$: what does that say about choosing the smallest state *and* the
# second one?
#
# <details><summary>Our answer</summary>
#
# The smallest state is judged against its neighbour, not against the largest model: a cheap
# first state is worth it when the second state is comparatively dear. Put a second state just
# above the first and the first one must be very cheap indeed to earn its place; the two are
# designed together. $A_N$ enters only through $1 - A_N + A_1$, the share the first state answers.
# </details>
#
# On the 1,543 published ImageNet models of Section 6 the smallest model of the envelope passes the
# test, but not by much:

# %%
timm_all = timm_state_space()
print(f"smallest model: {timm_all.names[0]}, {timm_all.costs[0]:.2f} GMACs, "
      f"accuracy {timm_all.accuracies[0]:.4f}; next: {timm_all.names[1]}, "
      f"{timm_all.costs[1]:.2f} GMACs")
print(f"Eq 11 (with R_2): the smallest state pays off below "
      f"{timm_all.smallest_state_limit(n_classes):.4f} GMACs")

# %% [markdown]
# ## 3. Granularity: what each state in between saves (Eq 12)
# *Estimated time to here: 20 min.*
#
# Eq 12 rewrites Eq 9 as the two-state cost minus one saving per state. Add and subtract
# $(R_N - R_1)$ inside the sum, then use that $\sum_{i=2}^{N}(A_i - A_{i-1}) = A_N - A_1$
# telescopes:
#
# $$
# \begin{aligned}
# R_\text{oracle} &= R_1 + \sum_{i=2}^{N} \bigl[(R_N - R_1) - (R_N - R_i)\bigr](A_i - A_{i-1})
#   && R_i - R_1 = (R_N - R_1) - (R_N - R_i)\\
# &= R_1 + (R_N - R_1)\sum_{i=2}^{N}(A_i - A_{i-1}) - \sum_{i=2}^{N}(A_i - A_{i-1})(R_N - R_i)
#   && \text{split the sum}\\
# &= \underbrace{R_1 + (A_N - A_1)(R_N - R_1)}_{\text{Eq 10: dynamic range}}
#   \;-\; \underbrace{\sum_{i=2}^{N}(A_i - A_{i-1})(R_N - R_i)}_{\text{granularity: savings}\ \ge\ 0}
#   && \text{telescope. (Eq 12)}
# \end{aligned}
# $$
#
# State $i$ saves $(A_i - A_{i-1})(R_N - R_i)$: the share of instances it is the first to get
# right, times what they no longer pay for the largest state. A state saves a lot when it adds
# accuracy **and** costs far less than $R_N$. (The last term, $i = N$, is always 0.)
#
# **Predict, then run.** Which EfficientNet saves the most: B1 (cheapest), B4 (middle) or B6
# (nearly as dear as B7)?

# %% mystnb={"image": {"alt": "Bar chart of what each EfficientNet state after the first saves in Eq 12: the middle states save most, the states next to the largest almost nothing."}}
eq12 = effnet.granularity()
savings = pd.Series(eq12.savings, index=list(effnet.names[1:]), name="saving (GFLOPs)")
print(f"Eq 10 (dynamic range): {eq12.dynamic_range_cost:.4f} GFLOPs; "
      f"minus the savings {eq12.savings.sum():.4f} = {eq12.selection_cost:.4f} GFLOPs "
      f"(Eq 9 says {full.selection_cost:.4f})")
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
ax.bar(savings.index, savings.to_numpy(), color="tab:blue")
ax.set_xlabel("state i")
ax.set_ylabel("saving (GFLOPs per image)")
ax.set_title(r"Eq 12: what each state saves, $(A_i - A_{i-1})(R_N - R_i)$")
ax.grid(axis="y", alpha=0.3)
print(f"largest saving: {savings.idxmax()} ({savings.max():.3f} GFLOPs)")

# %% [markdown]
# The saving rewards accuracy gained cheaply: B5 adds little accuracy over B4 and saves almost
# nothing, while a mid-sized state with a real accuracy step saves the most. Each saving depends
# on the state's neighbour below ($A_{i-1}$), so the savings are not independent: removing one
# state changes the saving of the next. That is why choosing the best $k$ states takes a search,
# Section 4.

# %% [markdown]
# ## 4. The best k states (Fig 5 and Fig 6)
# *Estimated time to here: 27 min.*
#
# Running many models has its own costs (memory, engineering, latency of the router), so the
# paper asks: *if I may keep only k states, which k?* The largest state stays (it sets $A_N$; any
# subset without it reaches a lower accuracy and is not comparable). From the Eq 9 form of Section
# 2, a subset $s_1 < s_2 < \dots < s_k = N$ costs
#
# $$R_\text{oracle} = R_{s_1}(1 - A_N + A_{s_1}) + \sum_{j=2}^{k} R_{s_j}(A_{s_j} - A_{s_{j-1}}),$$
#
# one term for the first state and one per consecutive pair, so the best chain is a shortest path
# that dynamic programming finds in $O(kN^2)$ steps ("polynomial time", Section 4.2.1):
# `space.best_subset(k)` and, for every k at once, `space.best_subsets()`.
#
# **Predict, then run.** The best 2-state EfficientNet space keeps B7. Its other state: B0, the
# cheapest, as Eq 10's dynamic-range story suggests, or another one?

# %%
subsets = effnet.best_subsets()
subsets[["k", "names", "r_ratio"]].round(2)

# %% [markdown]
# Not B0. With two states the first state answers a share $1 - A_N + A_{s_1}$ itself and sends the
# rest, $A_N - A_{s_1}$, to B7 at full price: a somewhat dearer but more accurate first state
# sends fewer instances to B7, and that wins. The best subsets are not nested either: the best 3
# are not the best 2 plus one.
#
# Brute force agrees: with 8 states there are only $\binom{7}{k-1}$ subsets of size k that keep B7.

# %%
for k in range(1, len(effnet) + 1):
    brute = min(itertools.combinations(range(len(effnet) - 1), k - 1),
                key=lambda rest: effnet.subset([*rest, len(effnet) - 1]).conservative().selection_cost)
    kept = effnet.subset([*brute, len(effnet) - 1]).names
    print(f"k = {k}: brute force keeps {', '.join(kept)}; "
          f"dynamic programming agrees: {kept == effnet.best_subset(k).names}")

# %% [markdown]
# Now the paper's Fig 5 and Fig 6, on the Pareto envelope of **1,543 published ImageNet models**
# (timm's results tables: top-1 accuracy and GMACs per image, for every model and weight; Section 6
# says more). Each panel of Fig 5 shows the best k-subset; orange marks the states that are not in the
# best (k - 1)-subset, the paper's "state with the most utility relative to the immediately smaller
# state space".

# %% mystnb={"image": {"alt": "Four panels of timm's ImageNet envelope on a log cost axis, one per subset size 2, 3, 4 and 7: every envelope model in grey, the best k-subset joined in blue, its states new to size k in orange; the title of each panel gives its R_ratio, rising with k."}}
plots.best_subsets_plane(timm_all, sizes=(2, 3, 4, 7),
                         title=f"Fig 5 redone: the best k of {len(timm_all)} envelope models "
                               "(timm, all weights)");

# %% [markdown]
# Fig 6 draws $R_\text{ratio}$ of the best k-subset against k. We draw two envelopes: all
# 1,543 models, and only the weights trained on ImageNet-1k alone (no extra pre-training data),
# and mark the paper's claims for its own envelope: over 80× with 4 states, over 100× with 7,
# 121.77× with all of them.
#
# **Predict, then run.** Which envelope will give the larger gains: all models, or the
# ImageNet-1k-only subset of them (whose best model is *less* accurate)?

# %% mystnb={"image": {"alt": "R_ratio of the best k-state subset against k for the two timm envelopes, with the paper's claims as triangles at 4 and 7 states and a dashed line for its Table 1 figure: the ImageNet-1k-only envelope rises far above the all-weights one, which stays below the paper's claims."}}
timm_1k = timm_state_space(imagenet_1k_only=True)
paper_sota = paper_table1().set_index("family").loc["SOTA"].iloc[0]  # the ImageNet SOTA row
envelopes = {f"timm, all weights ({len(timm_all)} envelope states)": timm_all,
             f"timm, ImageNet-1k only ({len(timm_1k)} envelope states)": timm_1k}
claims = {"paper: over 80x with 4 states": (4, 80.0),
          "paper: over 100x with 7 states": (7, 100.0),
          f"paper: {paper_sota.r_ratio}x with all states (Table 1)": (None, paper_sota.r_ratio)}
plots.subset_gains(envelopes, claims=claims, max_states=15,
                   title="Fig 6 redone: the best k states of the ImageNet envelope");

rows = []
for label, space in envelopes.items():
    table = space.best_subsets().set_index("k")
    largest = space.conservative().r_ratio
    rows.append({"envelope": label, "all states": largest,
                 **{f"best {k}": table.loc[k, "r_ratio"] for k in (2, 4, 7)},
                 **{f"best {k} / all": table.loc[k, "r_ratio"] / largest for k in (4, 7)}})
gains = pd.DataFrame(rows).set_index("envelope")
gains.round(2)

# %% [markdown]
# The *shape* of Fig 6 holds on both envelopes: steep gains up to 4-6 states, then diminishing
# returns; the last column says what share of the full gain 7 states keep (the paper: 90%). The
# *height* does not match the paper's on either envelope, and not even in the direction one would
# guess: the envelope with the less accurate top model gives the larger gains. Keep that puzzle:
# Section 6 solves it.

# %% [markdown]
# ## 5. Infinitely many states (Eq 13) and Table 2
# *Estimated time to here: 37 min.*
#
# Eq 12 says every extra state can only save. What if the state space were a continuum, a model at
# every cost along a curve $A(R)$ from $(R_1, A_1)$ to $(R_h, A_h)$? The savings become an
# integral, and one integration by parts gives **Eq 13**:
#
# $$
# \begin{aligned}
# \sum_{i=2}^{N}(A_i - A_{i-1})(R_N - R_i) &\;\longrightarrow\; \int_{R_1}^{R_h} (R_h - R)\,A'(R)\,dR
#   && \text{steps } dA = A'(R)\,dR\\
# &= \Bigl[(R_h - R)\,A(R)\Bigr]_{R_1}^{R_h} + \int_{R_1}^{R_h} A(R)\,dR
#   && \text{by parts}\\
# &= -(R_h - R_1)A_1 + \int_{R_1}^{R_h} A(R)\,dR, \\
# R_\text{oracle} &= R_1 + (A_h - A_1)(R_h - R_1) + (R_h - R_1)A_1 - \int_{R_1}^{R_h} A(R)\,dR
#   && \text{into Eq 12}\\
# &= R_1 + A_h (R_h - R_1) - \int_{R_1}^{R_h} A(R)\,dR. && \text{(Eq 13)}
# \end{aligned}
# $$
#
# The paper's Table 2 takes $A(R)$ piecewise linear between the envelope's models;
# `space.continuous()` does the same (the integral is the trapezoid rule, exact for a piecewise
# linear curve).
#
# **Predict, then run.** Put ever more states on the straight segments between the EfficientNets
# and apply Eq 9 (discrete) to them. Does $R_\text{ratio}$ grow without limit, or level off? At
# what value?

# %%
for per_segment in [1, 2, 10, 100, 1000]:
    dense_R = np.concatenate([np.linspace(R[i], R[i + 1], per_segment + 1)[:-1]
                              for i in range(len(R) - 1)] + [R[-1:]])
    dense_A = np.interp(dense_R, R, A)  # the piecewise-linear curve A(R)
    print(f"{len(dense_R):5d} states: Eq 9 R_ratio = {bounds.conservative(dense_R, dense_A).r_ratio:.3f}x")
print(f"   continuum: Eq 13 R_ratio = {effnet.continuous().r_ratio:.3f}x")

# %% [markdown]
# It levels off at Eq 13: the continuous bound is the limit of the discrete one, and the most any
# state space along this curve can promise. Table 2 of the paper, and the same on the two timm
# envelopes:

# %%
table2 = pd.DataFrame([
    {"state space": "paper: ImageNet SOTA (Table 2)", "unit": "GFLOPs", "A_oracle": 0.9088,
     "R_oracle": 16.07, "Delta R": 2569.93, "R_ratio (Eq 13)": 160.94,
     "R_ratio (Eq 9, Table 1)": paper_sota.r_ratio},
    {"state space": "paper: HellaSwag SOTA (Table 2)", "unit": "GFLOPs", "A_oracle": 0.9096,
     "R_oracle": 11070.49, "Delta R": 1341569.52, "R_ratio (Eq 13)": 122.18,
     "R_ratio (Eq 9, Table 1)": 81.02},
    *[{"state space": label, "unit": space.unit, "A_oracle": point.accuracy,
       "R_oracle": point.selection_cost, "Delta R": point.delta_r, "R_ratio (Eq 13)": point.r_ratio,
       "R_ratio (Eq 9, Table 1)": space.conservative().r_ratio}
      for label, space in envelopes.items() for point in [space.continuous()]],
]).set_index("state space")
table2.style.format({"A_oracle": "{:.2%}", "R_oracle": "{:,.2f}", "Delta R": "{:,.2f}",
                     "R_ratio (Eq 13)": "{:.2f}x", "R_ratio (Eq 9, Table 1)": "{:.2f}x"})

# %% [markdown]
# The continuous bound is larger than the discrete one on every row, as Eq 12 promises. The
# first two rows are the paper's, typed from its tables; ours are computed. On both timm
# envelopes the numbers are far from the paper's ImageNet row, and on opposite sides of it.

# %% [markdown]
# ## 6. Can the paper's SOTA figures be rebuilt? A sensitivity analysis
# *Estimated time to here: 43 min.*
#
# The paper's SOTA row (Table 1: 121.77×; Table 2: 160.94×; Fig 6: over 80× with 4 states, over
# 100× with 7) comes from an envelope of the Papers-with-Code leaderboard of January 2024 that it
# does not list model by model. The closest public data are timm's results tables: 1,543 models
# and weights with their accuracy and cost, shipped with adaptlab with their sources:

# %%
models = timm_imagenet()
print(f"{len(models):,} models, {int((~models['extra_data']).sum()):,} of them trained on "
      f"ImageNet-1k alone")
print(timm_sources().split("\n\n")[2])  # where the figures come from

# %%
pd.DataFrame([
    {"envelope": "paper: ImageNet SOTA", "states": np.nan, "R_1": paper_sota.r_1_gflops,
     "R_N": paper_sota.r_n_gflops, "A_N": paper_sota.a_n, "R_ratio (Eq 9)": paper_sota.r_ratio},
    *[{"envelope": label, "states": len(space), "R_1": space.costs[0], "R_N": space.costs[-1],
       "A_N": space.accuracies[-1], "R_ratio (Eq 9)": space.conservative().r_ratio}
      for label, space in envelopes.items()],
]).set_index("envelope").round(4)

# %% [markdown]
# So the public data give about 69× (all weights) and 224× (ImageNet-1k only), where the paper
# has 121.77×. Which states make the difference? Three experiments answer it.
#
# **Predict, then run.** (1) Drop the *smallest* model of the all-weights envelope: does
# $R_\text{ratio}$ move much? (2) Drop the *largest*: does it go up or down? By how much?

# %%
def without(space, states):
    """The space without the given state indices."""
    return space.subset([i for i in range(len(space)) if i not in set(states)])


rows = []
for label, space in envelopes.items():
    base = space.conservative().r_ratio
    for dropped, states in [("none", []), ("smallest", [0]), ("2 smallest", [0, 1]),
                            ("3 smallest", [0, 1, 2]), ("largest", [len(space) - 1]),
                            ("2 largest", [len(space) - 2, len(space) - 1]),
                            ("3 largest", [len(space) - 3, len(space) - 2, len(space) - 1])]:
        rest = without(space, states)
        rows.append({"envelope": label.split(" (")[0], "dropped": dropped,
                     "new largest": rest.names[-1], "R_N": rest.costs[-1],
                     "A_N": rest.accuracies[-1], "R_ratio": rest.conservative().r_ratio,
                     "change": rest.conservative().r_ratio / base - 1})
sensitivity = pd.DataFrame(rows).set_index(["envelope", "dropped"])
sensitivity.style.format({"R_N": "{:.2f}", "A_N": "{:.4f}", "R_ratio": "{:.1f}x",
                          "change": "{:+.0%}"})

# %% [markdown]
# Dropping the smallest models hardly moves the bound. Dropping the largest moves it a lot (the
# column `change`), and in either direction. The top of the envelope sits in both halves of
# $R_\text{ratio} = R_N / R_\text{oracle}$:
#
# - the numerator $R_N$ *is* the largest state's cost;
# - in the denominator, the α = 1 oracle pays $s_i R_i$ for state $i$, with $s_N = A_N - A_{N-1}$
#   for the largest. So the largest state's part of $R_\text{oracle}$ is
#
# $$\frac{s_N R_N}{R_\text{oracle}} = (A_N - A_{N-1})\,R_\text{ratio},
# \qquad\text{and since that part is at most 1:}\qquad R_\text{ratio} \le \frac{1}{A_N - A_{N-1}}.$$
#
# The accuracy step into the largest state caps the gain, whatever the other states are. The
# figures show each state's part of $R_\text{oracle}$ on both envelopes.

# %% mystnb={"image": {"alt": "Two panels, one per timm envelope: bars of each state's part of the conservative oracle's cost and a step line of the states from the top down: the largest few states hold most of the cost, the smallest almost none."}}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True, layout="constrained")
for ax, (label, space) in zip(axes, envelopes.items()):
    plots.oracle_cost_by_state(space, ax=ax, title=label)
    point = space.conservative()
    part = point.exit_share * space.costs / point.selection_cost
    step = space.accuracies[-1] - space.accuracies[-2]
    print(f"{label}: the largest state's part {part[-1]:.1%}, the 3 largest {part[-3:].sum():.1%}; "
          f"top step A_N - A_(N-1) = {100 * step:.2f} pp, so R_ratio <= {1 / step:.0f}x "
          f"(it is {point.r_ratio:.1f}x)")

# %% [markdown]
# This solves the puzzle of Section 4. On the all-weights envelope the largest model is clearly
# more accurate than the one below it: the oracle pays its full price on that step, it holds a big
# part of $R_\text{oracle}$, and the ratio stays well under the cap. On the ImageNet-1k-only
# envelope the largest model is barely more accurate than its neighbour but much dearer: it adds
# almost nothing to $R_\text{oracle}$ and a lot to $R_N$, so the ratio is large mostly because the
# baseline is an expensive model that the oracle hardly ever needs. Either way, **the few largest
# states decide the bound**, and the smallest ones do not.
#
# **The decisive experiment.** The paper's envelope ends higher than timm's: its largest state
# (the JFT-3B-trained CoAtNet-7, per the notes shipped with the data) has the $R_N$ and $A_N$ of
# Table 1's SOTA row. Add that one state to each timm envelope. Units first: the paper's "GFLOPs"
# for EfficientNet are timm's GMACs (both count multiply-adds, as the EfficientNet paper did),
# so we add it at the same number on timm's scale.

# %%
b0_timm = models.loc[models["name"] == "efficientnet_b0.ra_in1k", "cost_gmacs"].item()
print(f"EfficientNet-B0: paper {paper_table1().set_index('family').loc['EfficientNet', 'r_1_gflops']}"
      f" 'GFLOPs', timm {b0_timm} GMACs")
rows = []
for label, space in envelopes.items():
    topped = StateSpace(space.names + ("paper's largest state",),
                        np.r_[space.costs, paper_sota.r_n_gflops],
                        np.r_[space.accuracies, paper_sota.a_n], unit=space.unit).pareto()
    best = topped.best_subsets().set_index("k")["r_ratio"]
    rows.append({"envelope + the paper's largest state": label.split(" (")[0],
                 "states": len(topped), "R_ratio (Eq 9)": topped.conservative().r_ratio,
                 "R_ratio (Eq 13)": topped.continuous().r_ratio,
                 "best 4": best[4], "best 7": best[7]})
rows.append({"envelope + the paper's largest state": "paper (Table 1, Table 2, Fig 6)",
             "states": np.nan, "R_ratio (Eq 9)": paper_sota.r_ratio, "R_ratio (Eq 13)": 160.94,
             "best 4": 80.0, "best 7": 100.0})
pd.DataFrame(rows).set_index("envelope + the paper's largest state").round(2)

# %% [markdown]
# One added model moves every figure. On the all-weights envelope it lifts the bound toward the
# paper's figures (the paper's "best 4" and "best 7" are lower limits, "over 80×" and "over
# 100×"); on the ImageNet-1k-only envelope it *collapses* the bound, because the step from that
# envelope's best model up to the paper's is several points of accuracy, and the cap
# $1/(A_N - A_{N-1})$ falls with it. We still cannot rebuild the paper's exact numbers (its
# envelope's other states are not published), but we know what rules them: **the top of the
# envelope.**
#
# **Think.** A colleague reports "adaptive inference could make ImageNet classification 224×
# cheaper" from the ImageNet-1k-only envelope. What would you ask before believing it?
#
# <details><summary>Our answer</summary>
#
# What the largest state is, and how much more accurate it is than the one below it. The ratio
# is measured against $R_N$, the cost of one particular model, and is capped by $1/(A_N -
# A_{N-1})$: a largest model that costs a lot and gains a fraction of a point over its neighbour
# makes $R_N$, and so the ratio, large, while most of the "saving" is just not running that one
# model. Ask for the bound with the top one, two, three models removed (as above), and for
# $\Delta R$ and the accuracy, not only the ratio. The smallest models matter very little. And
# α = 1 is a conservative bound on an oracle; no practical router reaches it (Lecture 6).
# </details>

# %% [markdown]
# ## 7. A practical cascade designed on validation
# *Estimated time to here: 50 min.*
#
# The bounds say what an oracle could do with a state space. A deployed cascade has no oracle: it
# runs its states in order and stops when a confidence score reaches a threshold, and it pays for
# every state it runs (the sequential cost). Designing one means choosing three things together:
# **the subset of states, the router, and the threshold**, all on **validation** data, and then
# measuring the choice once on **test** data (Lecture 6).
#
# `adaptlab.compare.design_cascade(family)` does exactly that. It tries every subset of the
# family's validation Pareto frontier with every confidence router, calibrates each to the
# cheapest threshold that reaches the target accuracy on validation (by default 99% of the largest
# state's), and keeps the cheapest. The exact oracle prunes the search: on a subset, no router can
# pay less than the oracle that runs the same states in order, so a subset whose oracle already
# costs more than the best cascade found is skipped. It is Section 4's best k-subset, made
# practical.
#
# We use two families we trained: the scikit-learn family of Lecture 4 (6,000 images, a few
# seconds to train) and the CNN family of Lecture 5 (20,000 images, loaded from the disk cache).

# %%
from adaptlab.compare import design_cascade
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.sklearn_family import train_sklearn_family
from adaptlab.torch_family import train_cnn_family

family = train_sklearn_family(train_val_test_split(make_cifar_like(6_000, seed=0), seed=0),
                              seed=0, progress=False)
cnn_family = train_cnn_family(train_val_test_split(make_cifar_like(20_000, seed=0), seed=0),
                              seed=0, progress=False)
designs = {"scikit-learn family": design_cascade(family),
           "CNN family": design_cascade(cnn_family)}
for label, design in designs.items():
    print(f"{label}: {design.summary()}\n")

# %% [markdown]
# **Predict, then run.** Each design above stops short of the full family. How much would the
# cascade through *every* state of the frontier have cost on validation, with its best router?
# More or less than the design? More or less than the largest state alone?

# %%
rows = []
for label, design in designs.items():
    trained = family if label == "scikit-learn family" else cnn_family
    candidates = design.candidates[design.candidates["status"] == "calibrated"]
    every_state = candidates[candidates["states"].map(len) == len(trained.pareto())]
    exact = bounds.oracle(trained.correct_test, trained.costs,
                          sequential_costs=trained.sequential_costs)
    rows.append({"family": label, "states kept": f"{len(design.states)} of {len(trained.pareto())}",
                 "router": design.router,
                 "largest state's test accuracy": design.largest_accuracy,
                 "design's test accuracy": design.test_accuracy,
                 "val cost, design": design.val_cost,
                 "val cost, every state": every_state["val cost"].min(),
                 "R_N": design.largest_cost,
                 "R_ratio (test)": design.r_ratio,
                 "exact oracle's R_ratio at that accuracy": design.oracle_r_ratio,
                 "exact oracle (bounds.oracle): accuracy": exact.accuracy,
                 "exact oracle: R_ratio (sequential)": exact.largest_cost / exact.sequential_cost})
pd.DataFrame(rows).set_index("family").round(3).T

# %% [markdown]
# Read the table from the top:
#
# - The design keeps **a few states**, not the whole family: a cascade pays for every state it
#   runs, so each extra stage must earn its cost on the instances it stops. The cascade through
#   every state costs more on validation than the design (here still less than the largest state
#   alone; Lecture 6 showed that at stricter targets it can cost even more than that).
# - The target was set on **validation**; on test the design lands near it, not exactly on it
#   (compare the two accuracy rows). A design is only as good as the validation split is like
#   the test split.
# - The design is a few times cheaper than the largest state alone, which is real money at
#   scale. The exact oracle, at the **same** accuracy and also paying sequentially, would be
#   several times cheaper still: that gap is what better routers could win. Both are far from the
#   α = 1 figures of Section 6: a bound on a state space is not what a cascade on it delivers.
#   The last two rows are the oracle
#   at its *own* accuracy (`bounds.oracle`), which no single model reaches: it is the ceiling, not
#   a target.
#
# **Think.** The search visits subsets in the order of their exact-oracle bound. Why is the
# oracle's cost on a subset a valid lower bound for *every* router on that subset, so that
# pruning never drops the best design?
#
# <details><summary>Our answer</summary>
#
# To reach an accuracy, a router on those states must be right on that share of instances. Each
# instance it gets right stopped at a state that is right on it, after paying for every state
# before: at least the sequential cost of the *cheapest* right state. Each other instance paid at
# least $R_1$. The oracle pays exactly those minima, and fixes the cheapest instances first, so at
# the same accuracy it pays no more than any router. If even that bound is above the best cascade
# found,
# no router on that subset can beat it. `design_cascade`'s tests check that the pruned search
# finds the same design as trying every subset.
# </details>

# %% [markdown]
# ## 8. The state-space designer
# *Estimated time to here: 55 min.*
#
# **Interactive demo.** The designer puts this lecture's formulas behind one figure: tick the
# states you would deploy and choose k; it draws the conservative bound of the ticked states
# (Eq 9), the two-state bound (Eq 10), the continuous limit (Eq 13), the best k-subset with its
# own bound (Fig 5-6), and a dotted line at the most the smallest state may cost (Eq 11, with
# $R_2$). The readout gives every $R_\text{ratio}$, always against the largest *ticked* state.
# Pick one of four state spaces: our scikit-learn and CNN families (with their **validation**
# accuracies: choosing states is a design decision, so it must not look at test data), the
# published EfficientNets, and the all-weights timm envelope of Section 6.
#
# Try, and answer for yourself:
# 1. On the timm envelope, untick the largest state, then the two largest. Does $R_\text{ratio}$
#    move as the table of Section 6 says?
# 2. On EfficientNet, untick B0. Is B1 as the smallest state still worth its cost (Eq 11)?
# 3. On our scikit-learn family, which states does the best 3-subset keep? Does it keep the
#    cheapest state? Compare with the states `design_cascade` kept in Section 7: why may a
#    practical cascade prefer other states than the α = 1 bound does?

# %%
from adaptlab.widgets import describe_design, state_space_designer

validation_space = lambda trained: StateSpace(trained.names, trained.costs,
                                              trained.correct_val.mean(axis=0), unit=trained.unit)
design_spaces = {"our scikit-learn family (validation)": validation_space(family),
                 "our CNN family (validation)": validation_space(cnn_family),
                 "EfficientNet (published)": effnet, "timm envelope, all weights": timm_all}
state_space_designer(design_spaces, n_classes={"our scikit-learn family (validation)": 10,
                                               "our CNN family (validation)": 10,
                                               "EfficientNet (published)": 1000,
                                               "timm envelope, all weights": 1000})

# %% [markdown]
# What the designer shows is `describe_design`, a plain function; here is its readout for
# question 1 (the timm envelope without its largest state, k = 4), which a printed copy of this
# notebook keeps:

# %%
print(describe_design(timm_all, timm_all.names[:-1], 4, n_classes=1000))

# %% [markdown]
# ## Recap
# - **Eq 10** is Eq 9 with two states: the dynamic range $(R_1, A_1) \to (R_N, A_N)$ alone. A wider
#   range buys accuracy and costs efficiency; two states keep only a small part of the gain.
# - **Eq 11**: the smallest state is worth its cost only if $R_1 < \frac{A_1 - 1/C}{1 - A_N + A_1}
#   R_2$. The main text prints $R_N$; the appendix's derivation, and the bound computed on a scan,
#   give $R_2$: a free guesser's mistakes are caught by state 2.
# - **Eq 12** = Eq 10 minus one saving per state, $(A_i - A_{i-1})(R_N - R_i)$: accuracy gained
#   cheaply. The best k states come from a shortest-path search, not from the savings one by one.
# - **Eq 13** is the limit of infinitely many states along the envelope, and the largest gain any
#   state space along it can promise.
# - The paper's SOTA figures cannot be rebuilt from public per-model data. On 1,543 published
#   models the bound is about 69× (all weights) or 224× (ImageNet-1k only), and it is ruled by
#   the top of the envelope: $R_\text{ratio} \le 1/(A_N - A_{N-1})$, the largest states hold most
#   of $R_\text{oracle}$, and one added or dropped model at the top moves it by tens of percent.
#   Report a bound together with its largest state.
#
# ## What comes next
# - [Lecture 8 · Capstone: edge-to-cloud, LLM APIs and guarantees](08_capstone.ipynb): costs in ms
#   and dollars, and thresholds with a guarantee.
# - Assignment: `exercises/a07_design/a07_design.ipynb`.
#
# ## References
# - S. Hor, Y. Qian, M. Pilanci, A. Arbabian. *Adaptive Inference: Theoretical Limits and
#   Unexplored Opportunities.* Section 4 (Eq 10-13, Fig 5-6, Table 2), Table 1, Appendix A.2.3
#   (the proof of Eq 11).
# - R. Wightman, *PyTorch Image Models* (timm): `results/results-imagenet.csv` and the inference
#   benchmark tables, the source of `adaptlab.published.timm_imagenet()` (commits in
#   `timm_sources()`).
# - M. Tan, Q. Le. *EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks*, 2019
#   (costs counted as multiply-adds).
