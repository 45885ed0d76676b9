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
# # 6 · Practical routers vs the bounds
#
# The paper bounds what an adaptive agent *could* save; a router is what you can actually deploy.
# In this lecture you run the routers people use (confidence thresholds, ensemble agreement, a
# learned router, and a coin flip as the baseline) on the CNN family of Lecture 5, calibrate
# each one on the validation split, and report it on the test split next to the exact oracle.
# The result is a lesson worth a lecture: tuned to match the largest CNN's accuracy, a cascade
# over all four CNNs saves little or nothing, while the oracle on the same CNNs is several times
# cheaper. You will find out why, and what to change.
#
# **Objectives.** By the end you can:
# - compute the max-probability, margin and entropy scores and route a cascade with a threshold;
# - calibrate a threshold on validation and report its operating point on test;
# - price a cascade's exits, and explain why an all-state cascade calibrated to the largest
#   model's accuracy can cost as much as that model alone;
# - read a router's whole curve with RouteLLM's CPT and APGR and RouterBench's AIQ;
# - build Agreement-Based Cascading (ABC) the way its authors do, with ensembles of equals, and
#   compare it with confidence cascades *at equal cost*.
#
# **Estimated time:** 60 minutes.
#
# **Prerequisites:** [Lecture 2](02_adaptive_oracle.ipynb) (selection vs sequential cost),
# [Lecture 3](03_alpha_and_bounds.ipynb) (the exact oracle's frontier),
# [Lecture 5 · Torch states and early exits](05_torch_states.ipynb) (the CNN family). Python:
# numpy, a little pandas.
#
# **Notation** (costs in MFLOPs, millions of floating-point operations per image, counted by torch)
#
# | symbol | meaning | unit |
# |---|---|---|
# | $R_i$, $A_i$ | cost and test accuracy of state $i$, $i = 1..N$ (here $N = 4$ CNNs) | MFLOPs, fraction |
# | $s_i(x)$ | a router's score of state $i$ on image $x$: how sure state $i$ is | - |
# | $t$ | the threshold: $x$ exits at the first state with $s_i(x) \ge t$; state $N$ always answers | - |
# | $e_i$ | exit share: the fraction of images answered by state $i$ | fraction |
# | $C_i = R_1 + \dots + R_i$ | sequential cost of stopping at state $i$: every state run is paid | MFLOPs |
# | $R_\text{ratio} = R_N / R$ | times cheaper than always running the largest state; below 1 is *dearer* | × |
# | $\Delta A = A - A_N$ | accuracy gained over the largest state | percentage points (pp) |
# | PGR, CPT, APGR, AIQ | a whole curve in one number (Section 4) | fraction, share of calls |

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from adaptlab import bounds, cascade, metrics, plots, routers
from adaptlab.compare import compare_routers, default_tiers
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.ensembles import compare_at_equal_cost, train_cnn_ensembles
from adaptlab.torch_family import train_cnn_family

# %% [markdown]
# ## 1. Deferral rules: how sure is a state?
# *Estimated time to here: 0 min.*
#
# We use the tour's data (20,000 CIFAR-like images, split 60/20/20) and Lecture 5's four CNNs.
# They were trained once and cached on disk, so this loads them in seconds (the first run ever
# trains them, about a minute).

# %%
splits = train_val_test_split(make_cifar_like(20_000, seed=0), seed=0)
cnn = train_cnn_family(splits, seed=0, progress=False)
pd.DataFrame({"cost (MFLOPs)": cnn.costs, "validation accuracy": cnn.correct_val.mean(axis=0),
              "test accuracy": cnn.accuracies}, index=list(cnn.names)).round(4)

# %% [markdown]
# A cascade runs the CNNs cheapest first and stops as soon as one is *sure enough*. "Sure" is a
# score computed from the state's own class probabilities $p(c \mid x)$:
#
# $$
# \begin{aligned}
# \text{max probability:}\quad & s(x) = \max_c p(c \mid x) \\
# \text{margin:}\quad & s(x) = p_{(1)} - p_{(2)}, \text{ the top probability minus the runner-up} \\
# \text{negative entropy:}\quad & s(x) = \textstyle\sum_c p(c \mid x) \log p(c \mid x) \;\le 0
# \end{aligned}
# $$
#
# All three are high when the prediction is peaked. With threshold $t$, image $x$ exits at the
# first state $i < N$ with $s_i(x) \ge t$, and at state $N$ otherwise.
#
# ### Exercise 1.1 — the margin by hand
# Compute the margin of the smallest CNN on the first test image, from its ten probabilities
# `p` (hint: `np.sort`).

# %%
p = cnn.proba_test[0, 0]  # the smallest CNN's class probabilities on test image 0
print("probabilities:", np.round(p, 3))

my_margin = ...  # the top probability minus the second one

# %%
# Check
library = routers.margin(cnn.proba_test[:1])[0, 0]
if my_margin is ...:
    print("✗ Not yet: replace ... by your formula, then run both cells.")
else:
    print(f"yours {my_margin:.6f}, routers.margin says {library:.6f}:",
          "✓ the same." if np.isclose(my_margin, library) else
          "✗ different: sort the probabilities and subtract the second largest from the largest.")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# my_margin = np.sort(p)[-1] - np.sort(p)[-2]
# ```
# </details>

# %% [markdown]
# ## 2. Calibrate on validation, report on test
# *Estimated time to here: 8 min.*
#
# A threshold is a choice, and choices are made on the **validation** split: we pick the
# cheapest threshold whose validation accuracy reaches the largest CNN's validation accuracy
# ("as good as the big model, for less"), then report that threshold's accuracy and cost on the
# **test** split, which nothing was tuned on. `compare_routers` does this for every router:
# the three confidence rules, ABC (Section 6), a **learned router** (per state, a logistic
# regression predicts from the confidence features whether the state is right; it is fitted on
# validation and calibrated on honest out-of-fold scores), and a **random** router, the
# baseline every rule must beat. Costs are sequential: a cascade pays for every CNN it runs.
#
# **Predict, then run.** The exact oracle on these four CNNs is several times cheaper than the
# largest one. Calibrated to the largest CNN's accuracy, how much cheaper than the largest CNN
# will the max-probability cascade be: 5×, 2×, or not cheaper at all? Write down a guess.

# %%
comparison = compare_routers(cnn)
table = comparison.table.set_index("router")
table.drop(columns="note").round(3)

# %%
largest = cnn.names[-1]
print(f"exact oracle (selection): {table.loc['exact oracle (selection)', 'R_ratio']:.1f}x cheaper "
      f"than {largest}")
for router in ("max probability", "margin", "entropy", "learned router", "ABC agreement",
               "random"):
    print(f"{router:>16}: R_ratio {table.loc[router, 'R_ratio']:.2f}, accuracy "
          f"{table.loc[router, 'accuracy']:.4f} (Delta A {100 * table.loc[router, 'Delta A']:+.2f} "
          f"pp), {table.loc[router, 'share to largest']:.0%} of test images reach {largest}")

# %% [markdown]
# Read the numbers printed above, not your hopes. The exact oracle is many times cheaper than
# the largest CNN. The confidence rules and the learned router, tuned to match its accuracy,
# are only a little cheaper, and ABC with the default tiers and the random router are
# *dearer* than the largest CNN alone ($R_\text{ratio} < 1$). The plane shows the whole story:
# every router's test curve (all thresholds), its calibrated point (dot), and the exact
# oracle's frontier, which no router on these CNNs can cross.

# %% mystnb={"image": {"alt": "Cost-accuracy plane of the four CNNs on the test split, sequential cost on a log axis: the exact oracle's frontier rises steeply far to the left; the confidence routers' and the learned router's curves climb slowly and meet the largest CNN's accuracy only near its cost; ABC and the random router lie lower still."}}
ax = plots.router_plane(comparison, title="Routers on the four CNNs, test split (sequential cost)")

# %% [markdown]
# ## 3. Why the cascade saves so little
# *Estimated time to here: 15 min.*
#
# Two reasons, and you can see both in numbers.
#
# **Reason 1: every state run is paid.** An image that reaches the largest CNN has paid for all
# four: $C_N = R_1 + R_2 + R_3 + R_N$. With exit shares $e_i$ the cascade's mean cost is
#
# $$
# \begin{aligned}
# R_\text{cascade} &= \sum_{i=1}^{N} e_i\, C_i = \sum_{i=1}^{N} e_i \sum_{j \le i} R_j
#   && \text{(each exit pays every state up to it)} \\
# &= \sum_{j=1}^{N} R_j \sum_{i \ge j} e_i = \sum_{j=1}^{N} R_j\, P(\text{reach } j)
#   && \text{(swap the sums: state } j \text{ is paid by every image that reaches it)} \\
# &\ge R_N\, e_N + (R_1 + \dots + R_{N-1})\, e_N = C_N\, e_N
#   && \text{(the images that reach } N \text{ alone)}.
# \end{aligned}
# $$
#
# So the cascade is dearer than the largest CNN alone as soon as $e_N > R_N / C_N$, whatever
# the other images do: the **break-even share**.
#
# ### Exercise 3.1 — the break-even share
# Compute $R_N / C_N$ for the four CNNs (use `cnn.costs`).

# %%
break_even = ...  # R_N / (R_1 + ... + R_N)

# %%
# Check
if break_even is ...:
    print("✗ Not yet: replace ... by R_N / C_N.")
else:
    want = cnn.costs[-1] / cnn.costs.sum()
    print(f"yours {break_even:.4f}, expected {want:.4f}:",
          "✓" if np.isclose(break_even, want) else
          "✗ divide the largest cost by the sum of all four costs.")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# break_even = cnn.costs[-1] / cnn.costs.sum()
# ```
# </details>
#
# Now price the max-probability cascade's calibrated exits. Each bar stacks, per state, its exit
# share times what stopping there costs: the *selection* price ($R_i$, an ideal selector that
# runs only the answering CNN) and the *sequential* price ($C_i$, the real cascade). The dashed
# line is the largest CNN alone.

# %%
run = comparison.runs["max probability"]
point = run.point
pd.DataFrame({"exit share": point.exit_share, "R_i": cnn.costs, "C_i": cnn.sequential_costs,
              "exit share x C_i": point.exit_share * cnn.sequential_costs,
              "reach share": point.exit_share[::-1].cumsum()[::-1],
              "paid for this CNN": point.exit_share[::-1].cumsum()[::-1] * cnn.costs},
             index=list(cnn.names)).round(4)

# %% mystnb={"image": {"alt": "Two stacked bars of the max-probability cascade's cost per image, split by the CNN each image stops at, priced as a selection and as a sequential cascade, with a dashed line at the largest CNN's own cost: the sequential bar comes close to the line, most of it paid by the images that reach the last CNN."}}
ax = plots.exit_cost_bars(point.exit_share, {"selection (R_i)": cnn.costs,
                                             "sequential (C_i)": cnn.sequential_costs},
                          names=cnn.names, unit=cnn.unit,
                          title="Max probability at its calibrated threshold: where the cost goes")
ax.axhline(cnn.costs[-1], color="tab:red", ls="--", lw=1.2)
ax.set_ylim(top=1.15 * max(cnn.costs[-1], point.sequential_cost))
ax.annotate(f"{largest} alone", (-0.3, cnn.costs[-1]), textcoords="offset points",
            xytext=(0, 4), color="tab:red", fontsize=9)
print(f"share reaching {largest}: {point.exit_share[-1]:.1%} (break-even {cnn.costs[-1] / cnn.costs.sum():.1%}); "
      f"sequential cost {point.sequential_cost:.2f} vs {cnn.costs[-1]:.2f} MFLOPs alone; "
      f"the images reaching {largest} alone pay {point.exit_share[-1] * cnn.costs.sum():.2f}")

# %% [markdown]
# **Reason 2: a strict target.** The target is the largest CNN's *validation* accuracy, and
# only the largest CNN reaches it on the images the small ones doubt, so the calibration must
# send many images all the way up. The curve is flat near its end: the last tenths of a point of
# accuracy cost the most. Relax the target and watch the cost fall.
#
# **Predict, then run.** Lower the target by 0.5 pp, then 1 pp, then 2 pp. By how much does the
# max-probability cascade's test cost fall each time?

# %%
scores_val = routers.max_probability(cnn.proba_val)
scores_test = routers.max_probability(cnn.proba_test)
rows = []
for relax_pp in (0.0, 0.5, 1.0, 2.0):
    t = cascade.calibrate(scores_val, cnn.correct_val, cnn.costs,
                          target_accuracy=comparison.target_accuracy - relax_pp / 100)
    on_test = cascade.operating_point(scores_test, cnn.correct_test, cnn.costs, t)
    rows.append({"target lowered by (pp)": relax_pp, "test accuracy": on_test.accuracy,
                 "sequential cost": on_test.sequential_cost,
                 "R_ratio": cnn.costs[-1] / on_test.sequential_cost,
                 f"share to {largest}": on_test.exit_share[-1]})
pd.DataFrame(rows).round(4)

# %% [markdown]
# **Think.** The exact oracle on the same CNNs is far cheaper. What would you change in the
# *cascade*, not the router, to get closer?
#
# <details><summary>Our answer</summary>
#
# Run fewer states. Every middle CNN an image passes through is paid even when it does not
# answer; a cascade of two or three well-chosen CNNs pays far less per escalation (with the
# smallest and the largest CNN only, an escalated image pays $R_1 + R_N$, not $C_N$). Which
# subset, which router and which threshold is a design question, and it must be answered on
# validation: that is Lecture 7's `design_cascade`, which searches states subset × router ×
# threshold on the validation split and reports the winner on test. The exact oracle shows
# there is room: it runs only the answering CNN, and it knows which one that is.
# </details>

# %% [markdown]
# ## 4. One number per curve: CPT, APGR and AIQ
# *Estimated time to here: 28 min.*
#
# A calibrated point is one threshold; a router is its whole curve. Three summaries from the
# router literature, each computed on a test curve:
#
# - **PGR** (RouteLLM, Ong et al. 2024), the *performance gap recovered* at a point: with the
#   weak (smallest) and strong (largest) states' accuracies,
#   $\text{PGR} = \dfrac{A - A_\text{weak}}{A_\text{strong} - A_\text{weak}}$.
# - **CPT(x)**, the *call-performance threshold*: the least share of images sent to the strong
#   state that recovers a fraction $x$ of the gap, e.g. CPT(50%).
# - **APGR**, the area under PGR as the share of strong calls goes from 0 to 1: 0.5 for a
#   random router on two states, 1 for a perfect one.
# - **AIQ** (RouterBench, Hu et al. 2024), the mean accuracy under the non-decreasing convex
#   hull of the curve, over a cost range common to all routers: a cost-aware area.
#
# **Predict, then run.** Random routes without looking at the image. Which of the routers will
# have the lowest APGR, and will any confidence rule need more than half of the images at the
# largest CNN to recover half of the gap?

# %%
weak, strong = cnn.accuracies[0], cnn.accuracies[-1]
rows = []
for name, router_run in comparison.runs.items():
    curve = router_run.curve
    rows.append({
        "router": name,
        "CPT(50%)": metrics.call_performance_threshold(
            curve.last_state_share, curve.accuracy, weak_accuracy=weak, strong_accuracy=strong,
            target_pgr=0.5),
        "CPT(90%)": metrics.call_performance_threshold(
            curve.last_state_share, curve.accuracy, weak_accuracy=weak, strong_accuracy=strong,
            target_pgr=0.9),
        "APGR": table.loc[name, "APGR"],
        "AIQ": table.loc[name, "AIQ"],
    })
pd.DataFrame(rows).set_index("router").round(3)

# %% [markdown]
# The confidence rules recover half of the gap while sending only a small share of images to
# the largest CNN: the smallest CNN's mistakes are mostly images it is unsure about, and the
# second CNN is already strong. Random pays in proportion. Note that CPT and APGR count calls
# to the *strong* state only, not the middle ones that a cascade also pays for: good scores
# there do not make a cheap cascade, as Section 3 showed. AIQ does count cost.

# %% [markdown]
# ## 5. The router explorer
# *Estimated time to here: 36 min.*
#
# Pick a router and slide its threshold along its test curve. The readout gives the operating
# point, its $R_\text{ratio}$ and the share of images that reach the largest CNN.
#
# **Try it.** For max probability, find the largest threshold that is still cheaper than the
# largest CNN alone ($R_\text{ratio} > 1$). What share of images reaches the largest CNN
# there, and how does it compare with the break-even share of Exercise 3.1? Then switch to the
# random router: where does *its* curve cross $R_\text{ratio} = 1$?

# %%
from adaptlab.widgets import threshold_explorer

threshold_explorer(comparison)

# %% [markdown]
# ## 6. ABC done right: ensembles of equals
# *Estimated time to here: 42 min.*
#
# Agreement-Based Cascading (Kolawole et al., 2024) routes with **agreement**: each tier is an
# ensemble of models of *about the same cost*, its answer is the majority vote, and an image
# moves on when fewer than a share $t$ of the members agree. The last tier always answers.
#
# The ABC row in Section 2 used `default_tiers`, which groups the family's *unlike* CNNs:

# %%
tiers = default_tiers(cnn.costs)
print("default tiers:", [[cnn.names[i] for i in tier] for tier in tiers])
print(f"their accuracies: {np.round(cnn.accuracies, 3)}; ABC sends "
      f"{comparison.runs['ABC agreement'].point.exit_share[-1]:.0%} of test images to the last tier")

# %% [markdown]
# The smallest CNN, far less accurate than the two it votes with (the accuracies printed
# above), often disagrees with them even when they are right, so the calibration sends nearly
# everything on, and ABC pays for all four CNNs. That is not the
# method. ABC as its authors build it trains **each tier from one architecture with different
# seeds**: here three `cnn-4-8` (seeds 0, 1, 2), three `cnn-8-16-32`, and the largest CNN
# alone as the last tier. `train_cnn_ensembles` trains the extra seeds once and caches them.

# %%
ensembles = train_cnn_ensembles(splits, seed=0, family=cnn, progress=False)  # reuses cnn's seed-0 CNNs
pd.DataFrame({"tier cost (MFLOPs)": ensembles.tier_costs,
              "member test accuracies": [np.round(ensembles.family.accuracies[list(tier)], 3)
                                         for tier in ensembles.tiers]},
             index=list(ensembles.tier_names))

# %% [markdown]
# A fair comparison puts ABC and the confidence cascades **at the same cost**: calibrate each on
# validation, then, for every operating point ABC offers on test, ask what each confidence rule
# over the four single CNNs reaches at no more cost (and how much it needs to match ABC's
# accuracy). With three members a tier's agreement is 1/3, 2/3 or 1, so ABC offers only a few
# points: everyone stops at the first tier, a majority suffices, unanimity is needed, or
# everyone goes to the end.
#
# **Predict, then run.** Where do you expect ABC to win: at the cheap end, where an ensemble of
# three small CNNs answers most images, at the accurate end, near the largest CNN's accuracy,
# or nowhere?

# %%
equal = compare_at_equal_cost(ensembles, family=cnn)
equal.by_cost.round(4)

# %%
equal.calibrated.drop(columns="note").round(4)

# %% mystnb={"image": {"alt": "Cost-accuracy plane on the CNNs' test split: the max-probability and margin cascades over single CNNs form one curve that stays above ABC's few dashed diamonds at every cost; only at the far right, where every image reaches the largest CNN, do they meet."}}
ax = plots.abc_vs_confidence(equal, title="ABC with ensemble tiers vs confidence, CNNs, test split")

# %%
by_cost = equal.by_cost
for _, row in by_cost.iterrows():
    print(f"t = {row['threshold']:.2f}: ABC {row['ABC accuracy']:.4f} at {row['ABC cost']:.2f} "
          f"MFLOPs; best confidence at that cost {row['ABC accuracy'] - row['ABC - best (pp)'] / 100:.4f} "
          f"-> {row['winner']} ({row['ABC - best (pp)']:+.2f} pp)")

# %% [markdown]
# Read the winner column, and the calibrated table above it: the result disappoints, and that
# is the lesson. On these CNNs, ABC with ensembles of equals reaches less accuracy than a
# confidence cascade of single CNNs at every cost it offers (they tie only where everyone
# reaches the largest CNN, which the confidence cascade gets for far less), and calibrated to the largest
# CNN's accuracy it sends every image to the last tier, as the default tiers did. Why? Look
# inside the first tier. With threshold 1 the images on which the three `cnn-4-8` agree exit
# there. Compare their accuracy with that of the same share of images on which a *single*
# `cnn-4-8` is most confident:

# %%
abc_test = ensembles.agreement(split="test")
unanimous = abc_test.scores[:, 0] == 1.0
right = abc_test.predictions[:, 0] == cnn.y_test
confidence = routers.max_probability(cnn.proba_test)[:, 0]
most_confident = confidence >= np.quantile(confidence, 1 - unanimous.mean())
print(f"the three cnn-4-8 agree on {unanimous.mean():.1%} of test images, and are right on "
      f"{right[unanimous].mean():.1%} of them")
print(f"one cnn-4-8 on its {most_confident.mean():.1%} most confident images is right on "
      f"{cnn.correct_test[most_confident, 0].mean():.1%} of them, for a third of the cost")

# %% [markdown]
# Agreement does pick out easier images, about as well as one model's own confidence at the
# same share (the two accuracies printed above). The trouble is the knob. Three members can at
# most be unanimous, so even the strictest rule lets every image they agree on, the share
# printed above, leave a weak tier that gets a good part of them wrong; a confidence threshold
# is continuous and lets only the few images the small CNN is surest about leave early (the
# calibrated max-probability cascade's exit share at `cnn-4-8`, in Section 3). And every tier
# costs three models, which every escalated image pays. ABC pays off when a tier's members are
# *diverse* (seeds of one architecture are the least diversity there is), when together they
# still cost far less than the next tier, when there are enough members for finer agreement
# levels, and, if latency is the cost, when they run in parallel.
#
# **Think.** ABC needs no calibrated probabilities at all, only labels. When would you prefer
# it to a confidence rule even at equal cost?
#
# <details><summary>Our answer</summary>
#
# When the models' probabilities are not available or not comparable (black-box APIs that
# return only an answer, models from different vendors), when they are badly calibrated
# (agreement is robust to overconfident softmaxes), and when the members can run in parallel so
# that latency, not FLOPs, is the cost. An ensemble tier is also more accurate than any of its
# members, which raises the whole curve's cheap end.
# </details>

# %% [markdown]
# ## Recap
# - Confidence rules (max probability, margin, entropy) score how sure a state is; a threshold
#   turns scores into a cascade. Calibrate the threshold on validation, report on test.
# - A cascade pays every state it runs: $R_\text{cascade} = \sum_j R_j\,P(\text{reach } j)$, and
#   it is dearer than the largest state as soon as the share reaching it exceeds $R_N / C_N$.
# - Calibrated to the largest CNN's accuracy, a cascade over all four CNNs saves little, while
#   the exact oracle on them is several times cheaper: every state is paid, and a strict target
#   pushes many images to the end. Fewer, well-chosen states fix the first (Lecture 7).
# - CPT and APGR count only calls to the strong state; AIQ counts cost.
# - ABC needs tiers of similar-cost members; on these CNNs, seeds of one architecture agree on
#   their mistakes too often, and ABC loses to confidence at equal cost: measure before you
#   believe a routing signal.
#
# ## What comes next
# - [Lecture 7 · Designing the state space](07_designing_state_spaces.ipynb): the dynamic range
#   and granularity of a state space (Eq 10-12), optimal subsets, and `design_cascade`, which
#   picks states × router × threshold on validation.
# - Assignment: `exercises/a06_routers/a06_routers.ipynb`.
#
# ## References
# - S. Hor, Y. Qian, M. Pilanci, A. Arbabian. *Adaptive Inference: Theoretical Limits and
#   Unexplored Opportunities.* Sections 2-3 (the exact oracle, $R_\text{ratio}$, $\Delta A$).
# - S. Kolawole, D. Dennis, A. Talwalkar, V. Smith. *Agreement-Based Cascading for Efficient
#   Inference* (first titled *Revisiting Cascaded Ensembles for Efficient Inference*),
#   arXiv:2407.02348, 2024.
# - W. Jitkrittum et al. *When Does Confidence-Based Cascade Deferral Suffice?* NeurIPS 2023.
# - I. Ong et al. *RouteLLM: Learning to Route LLMs with Preference Data.* arXiv:2406.18665, 2024
#   (PGR, CPT, APGR).
# - Q. J. Hu et al. *RouterBench: A Benchmark for Multi-LLM Routing System.* arXiv:2403.12031,
#   2024 (AIQ).
