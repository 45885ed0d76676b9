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
# # 4 · A state space you train yourself
#
# So far our states were other people's models, known only through a published cost and
# accuracy, and their per-image correctness was simulated. In this lecture you train six models
# yourself, on your CPU, in seconds, and measure on them everything the paper measures on
# ImageNet: which model gets which image right, α for each state (the paper's Fig 2), and the
# exact oracle set against the bounds (Fig 4). No simulation: every number comes from your
# own predictions.
#
# **Objectives.** By the end you can:
# - generate the CIFAR-like images, split them, and explain what their latent difficulty does;
# - train the scikit-learn family and read its costs (counted FLOPs) and accuracies;
# - build and read a per-instance correctness matrix;
# - measure $\alpha_i$ per state, by hand and with `bounds.alphas`, and draw Fig 2;
# - place the exact oracle, the conservative bound and the constant-α estimate on one plane
#   (Fig 4), compare them at the same accuracy, and explain the gaps;
# - tell the oracle's selection cost from its sequential cost.
#
# **Estimated time:** 45 minutes.
#
# **Prerequisites:** [Lecture 2 · The adaptive oracle](02_adaptive_oracle.ipynb) (Eq 4-6,
# selection and sequential cost) and [Lecture 3 · α and the bounds](03_alpha_and_bounds.ipynb)
# (Eq 7-9, the exact oracle's frontier). Python: numpy, a little pandas.
#
# **Notation** (as in Lecture 3; here costs are in MFLOPs, millions of floating-point
# operations per image):
#
# | symbol | meaning | unit |
# |---|---|---|
# | $N$ | number of states (here 6), ordered by cost | - |
# | $R_i$, $A_i$ | cost and test accuracy of state $i$ | MFLOPs per image, fraction |
# | $\alpha_i$ | $P(\text{states } 1..i-1 \text{ all wrong} \mid \text{state } i \text{ wrong})$ | fraction |
# | $R_\text{oracle}$, $A_\text{oracle}$ | the exact oracle's mean selection cost and accuracy | MFLOPs, fraction |
# | $R_\text{ratio} = R_N / R_\text{oracle}$ | times cheaper than always running the largest state | × |
# | $\Delta A = A_\text{oracle} - A_N$ | accuracy gained over the largest state | percentage points (pp) |

# %%
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from IPython.display import display

from adaptlab import bounds, plots
from adaptlab.cascade import oracle_frontier
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.metrics import cost_at_accuracy
from adaptlab.published import paper_table1
from adaptlab.sklearn_family import train_sklearn_family

# Log-scaled cost axes with plain numbers (0.01, 0.1) rather than powers of ten.
plain_ticks = lambda ax: ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))

# %% [markdown]
# ## 1. The data: most images are easy, a tail is hard
# *Estimated time to here: 0 min.*
#
# `make_cifar_like` draws 32×32 colour images of ten classes of objects (shapes and textures),
# offline and in about a second. Each image has a latent **difficulty** in [0, 1]: as it
# grows, the object shrinks, drifts off-centre, loses its class colour and contrast, and
# clutter, occlusion and noise pile up. We draw 6,000 images, the same ones as the start page's
# tour, and split them 60/20/20 into train (fits the models), validation (for choosing things,
# from Lecture 6 on) and test (everything we report).

# %% mystnb={"image": {"alt": "A grid of generated test images, one row per class, from the easiest on the left to the hardest on the right, where shapes fade into noise."}}
data = make_cifar_like(6_000, seed=0)
splits = train_val_test_split(data, val_size=0.2, test_size=0.2, seed=0)
print(f"train {len(splits.train):,} · validation {len(splits.val):,} · test {len(splits.test):,} "
      f"images of {data.n_classes} classes: {', '.join(data.class_names)}")
plots.image_grid(splits.test, per_class=6, title="Test images of each class, easiest to hardest");

# %% [markdown]
# **Predict, then run.** Difficulty lies between 0 and 1. What is the median difficulty of a
# test image: near 0.2, 0.5 or 0.8? And what share of images has a difficulty above 0.5?
# Write down both guesses.

# %% mystnb={"image": {"alt": "Histogram of the test images' latent difficulty between 0 and 1: most images pile up at low difficulty, with a long tail of hard ones to the right of the dashed median."}}
difficulty = splits.test.difficulty
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
ax.hist(difficulty, bins=40, range=(0, 1), color="tab:gray")
ax.axvline(np.median(difficulty), color="tab:red", ls="--",
           label=f"median {np.median(difficulty):.2f}")
ax.set_xlabel("latent difficulty of a test image")
ax.set_ylabel("number of test images")
ax.set_title("Long-tailed difficulty: most images are easy")
ax.legend()
print(f"median difficulty {np.median(difficulty):.2f}; "
      f"{np.mean(difficulty > 0.5):.1%} of test images above 0.5")

# %% [markdown]
# A long tail: most images are easy, and a small share is hard. This is the premise of
# adaptive inference. If every input were hard, the big model would be needed every time
# and there would be nothing to save.

# %% [markdown]
# ## 2. Six states you train
# *Estimated time to here: 7 min.*
#
# `train_sklearn_family` fits six scikit-learn pipelines of growing cost, from a nearest-centroid
# classifier on 4×4 thumbnails to an MLP with 512 hidden units on 16×16 ones (the table in the
# docstring of `adaptlab.sklearn_family` lists them). Each state's cost is its **FLOPs per image,
# counted from the fitted model's shapes**: a $d_\text{in} \times d_\text{out}$ matrix product
# costs $2\,d_\text{in} d_\text{out}$, and so on. It takes a few seconds.

# %%
family = train_sklearn_family(splits, seed=0, progress=True)
pd.DataFrame({"cost (MFLOPs)": family.costs,
              "latency (ms per image)": family.latency_ms,
              "validation accuracy": family.correct_val.mean(axis=0),
              "test accuracy": family.accuracies}, index=list(family.names)).round(4)

# %%
print(f"the largest state costs {family.costs[-1] / family.costs[0]:.0f}x the smallest in FLOPs, "
      f"{family.latency_ms[-1] / family.latency_ms[0]:.1f}x in measured latency")

# %% [markdown]
# **Think.** FLOPs and latency disagree by a wide margin. Which one is "the" cost?
#
# <details><summary>Our answer</summary>
#
# Neither alone. FLOPs count arithmetic, and are deterministic and portable. Latency is what a
# user waits for, and on models this small it is dominated by per-call overhead (Python,
# scikit-learn's input checks, memory traffic), not by arithmetic. Lecture 1 showed the same
# effect. The bounds take any cost unit: use the one you pay in. We use FLOPs here because
# they are the paper's unit and give the same numbers on every machine; latency changes from
# run to run.
# </details>

# %% [markdown]
# ## 3. Per-instance correctness
# *Estimated time to here: 12 min.*
#
# The oracle needs more than six accuracies: it needs, for every test image, which states get
# it right. That is the **correctness matrix** `family.correct_test`: one row per image, one
# column per state, True where the state's most probable class is the true label.

# %%
correct = family.correct_test
print("shape:", correct.shape, "(test images x states)")
first = pd.DataFrame(correct[:8].astype(int), columns=list(family.names))
first.insert(0, "difficulty", difficulty[:8].round(2))
first["right in k states"] = correct[:8].sum(axis=1)
first

# %% [markdown]
# Read a row or two. Some images are right in all six states, some in none; some are right in
# a small state and wrong in a larger one.
#
# **Predict, then run.** Count, for every test image, how many of the six states get it right
# ($k$ = 0 to 6). Which $k$ is the most common? And what share of images is right in *no*
# state? (The oracle can do nothing for those.)

# %% mystnb={"image": {"alt": "Bar chart of the share of test images that k of the six states get right, for k from 0 to 6, each bar labelled with its share: the tallest bar is at k = 6, every state right."}}
k = correct.sum(axis=1)
share_by_k = np.bincount(k, minlength=len(family.names) + 1) / len(k)
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
ax.bar(np.arange(share_by_k.size), share_by_k, color="tab:blue")
for right_in, share in enumerate(share_by_k):
    ax.annotate(f"{share:.1%}", (right_in, share), textcoords="offset points", xytext=(0, 3),
                ha="center", fontsize=8)
ax.set_xlabel("k: number of the six states that get the image right")
ax.set_ylabel("share of test images")
ax.set_ylim(0, 1.15 * share_by_k.max())
ax.set_title("How many states get each test image right?");

# %% [markdown]
# The right end dominates: most images are right in all six states, or in all but one (often
# the weak centroid classifier is the one that misses). A block at $k = 0$ is hard for every
# state. The bars in between are where adaptivity lives: images that some states get right and
# others do not.
#
# Where do they sit in difficulty? The next figure cuts the test images into eight groups of
# equal size by difficulty and draws each state's accuracy in each group. The dashed line is
# the share of the group that *some* state gets right: the exact oracle's accuracy there.
#
# **Predict, then run.** The largest state is the most accurate overall. Is it also the most
# accurate in every difficulty group? And where will the dashed line sit furthest above the
# largest state: on easy, medium or hard images?

# %% mystnb={"image": {"alt": "Accuracy of each of the six states, and of the best of them, against the mean difficulty of groups of test images: every line falls as images get harder, the cheaper states first."}}
ax = plots.accuracy_by_difficulty(correct, difficulty, family.names, bins=8,
                                  title="Accuracy falls with difficulty, for every state")
ax.axhline(1 / family.n_classes, color="0.5", lw=0.8, ls=":")
ax.annotate(f"chance: 1 in {family.n_classes}", (ax.get_xlim()[0], 1 / family.n_classes),
            textcoords="offset points",
            xytext=(4, 3), fontsize=8, color="0.4");

# %% [markdown]
# Read it from left to right. On the easiest images every state but the centroid classifier is
# nearly always right, and the largest state is *not* the best there: cheaper states match or
# beat it. As difficulty grows, the cheap states collapse first (on a small thumbnail, colour
# is what survives, and colour goes early); the larger ones hold on longer. All end up not far
# above chance on the hardest images. The gap between the dashed line and the largest state
# is the oracle's accuracy gain: images that the largest state gets wrong and some smaller
# state gets right. It broadly widens with difficulty. Count those images:

# %%
largest_wrong_smaller_right = np.mean(~correct[:, -1] & correct[:, :-1].any(axis=1))
print(f"the largest state is wrong and some smaller state right on {largest_wrong_smaller_right:.1%} "
      "of test images")

# %% [markdown]
# **Think.** How can a model with a tenth of the FLOPs be right where the big one is wrong?
#
# <details><summary>Our answer</summary>
#
# They are different models, not a big one and a pruned copy of it: they see the image at
# different resolutions (4×4, 8×8, 16×16 thumbnails), through different features, and make
# different mistakes. On a 4×4 or 8×8 thumbnail little more than colour survives; a 16×16
# one keeps some shape. On an image whose shape is cluttered but whose colour still gives the
# class away, a cheap model can win. The more the states differ, the smaller α, and the more an oracle gains.
# </details>

# %% [markdown]
# ## 4. α per state (the paper's Fig 2)
# *Estimated time to here: 20 min.*
#
# $\alpha_i$ asks: among the images state $i$ gets wrong, what share do *all* the smaller
# states get wrong too? (Lecture 3: near 1 means nested errors, near 0 independent ones.)
#
# **Predict, then run.** For your six states, will α be closer to 0 or to 1? Will it rise, stay
# flat or fall from state 2 to state 6? (The cell also prints, for comparison, the smallest α
# the paper measured in each of its families, Table 1's $\alpha_\text{min}$.)

# %% mystnb={"image": {"alt": "Line of the measured alpha of each scikit-learn state after the first, on the test split, falling from near 1 for the cheapest states as the states get more accurate, with a dashed line at the mean alpha."}}
alpha = bounds.alphas(correct)
print("alpha_i:", np.round(alpha, 3))
print("the paper's alpha_min:",
      paper_table1().dropna(subset=["alpha_min"]).set_index("family")["alpha_min"].to_dict())
plots.alphas_per_state(alpha, family.names, title="Measured alpha per state, test split");

# %% [markdown]
# α is high for the second state (when the logistic regression is wrong, the centroid
# classifier is nearly always wrong too) and falls as the states grow: the more smaller states
# there are, the likelier one of them is right when a large one errs. This family's α is far
# from constant, which, by Lecture 3, makes the constant-α line a rough model. Keep this in
# mind when reading Fig 4 below.
#
# ### Exercise 4.1 — α_N by counting
# Measure $\alpha_N$, the α of the largest state, by counting test images yourself, without
# `bounds.alphas`. You need two counts: the images the largest state gets wrong, and the images
# *every* state gets wrong.

# %%
wrong = ~correct  # True where a state is wrong on an image

n_largest_wrong = ...  # how many test images the largest state (last column) gets wrong
n_all_wrong = ...      # how many test images all six states get wrong

# %%
# Check
if n_largest_wrong is ... or n_all_wrong is ...:
    print("✗ Not yet: fill in the two counts above, then run both cells.")
else:
    yours = n_all_wrong / n_largest_wrong
    print(f"your alpha_N = {n_all_wrong} / {n_largest_wrong} = {yours:.4f}; "
          f"bounds.alphas says {alpha[-1]:.4f}")
    print("✓ Same number." if abs(yours - alpha[-1]) < 1e-12 else
          "✗ Different: alpha_N = P(states 1..N-1 all wrong | state N wrong). If N is wrong and "
          "1..N-1 are too, then all N are wrong.")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# n_largest_wrong = int(wrong[:, -1].sum())
# n_all_wrong = int(wrong.all(axis=1).sum())
# ```
# "States $1..N-1$ all wrong *and* state $N$ wrong" is "all $N$ wrong", so $\alpha_N$ is the
# count of all-wrong images over the count of images the largest state misses.
# </details>
#
# One consequence, worth checking in your head: $A_\text{oracle} = 1 - \alpha_N (1 - A_N)$
# (Eq 7), so $\Delta A = A_\text{oracle} - A_N = (1 - \alpha_N)(1 - A_N)$. That is exactly the
# share of images the largest state gets wrong and some smaller state gets right, the number
# printed at the end of Section 3.

# %%
print(f"(1 - alpha_N)(1 - A_N) = {(1 - alpha[-1]) * (1 - family.accuracies[-1]):.4f}; "
      f"largest wrong, some smaller right: {largest_wrong_smaller_right:.4f}")

# %% [markdown]
# ## 5. The exact oracle against the bounds (the paper's Fig 4)
# *Estimated time to here: 28 min.*
#
# The bounds need states whose accuracy rises with cost (Eq 3), so we keep the Pareto frontier
# of the test accuracies. (When we choose states to *deploy*, we will judge the frontier on the
# validation split instead, with `family.pareto()`, so that the test split stays unseen:
# Lectures 6 and 7.)

# %%
space = family.state_space().pareto()
kept = [family.names.index(name) for name in space.names]
frontier_correct = correct[:, kept]  # the correctness of the states the bounds use
print(f"the frontier keeps {len(space)} of {len(family.names)} states: {', '.join(space.names)}")

exact = bounds.oracle(frontier_correct, space.costs)
safe = space.conservative()
mean_alpha = float(np.nanmean(bounds.alphas(frontier_correct)[1:]))
constant = space.constant_alpha(mean_alpha)

pd.DataFrame(
    [(f"largest state ({space.names[-1]})", space.accuracies[-1], space.costs[-1]),
     ("exact oracle (Eq 4-5)", exact.accuracy, exact.selection_cost),
     ("conservative bound (Eq 9, alpha = 1)", safe.accuracy, safe.selection_cost),
     (f"constant alpha = mean alpha = {mean_alpha:.2f} (Eq 8)", constant.accuracy,
      constant.selection_cost)],
    columns=["", "accuracy", "cost (MFLOPs)"],
).assign(**{"R_ratio": lambda t: space.costs[-1] / t["cost (MFLOPs)"],
            "Delta A (pp)": lambda t: 100 * (t["accuracy"] - space.accuracies[-1])}
         ).set_index("").round(4)

# %% [markdown]
# **Predict, then run.** On the plane below, where will the exact oracle (star) land relative
# to the conservative bound (square): above or below it? Left or right? Then recall Lecture
# 3's lesson: which comparison is fair?

# %% mystnb={"image": {"alt": "Fig 4 on your six states: the states on a cost-accuracy plane with the exact oracle, its frontier in red, the conservative bound and the constant-alpha estimate, all far to the left of the largest state."}}
frontier = oracle_frontier(frontier_correct, space.costs)
A_N = space.accuracies[-1]
exact_at_A_N = cost_at_accuracy(frontier.cost, frontier.accuracy, target_accuracy=A_N)

ax = plots.cost_accuracy_plane(space, oracle=exact, alpha=mean_alpha,
                               title="Your six states: exact oracle vs bounds (Fig 4)")
ax.plot(frontier.cost, frontier.accuracy, color="tab:red", lw=1.5,
        label="exact oracle's frontier: least cost of each accuracy")
ax.plot(exact_at_A_N, A_N, "o", color="tab:red", mfc="white", mew=2, ms=9,
        label="exact oracle at A_N")
ax.axhline(A_N, color="0.5", lw=0.8, ls=":")
ax.set_ylim(top=1.01)
ax.set_xlim(right=6 * space.costs[-1])  # room for the last state's label
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
plain_ticks(ax)

# %% [markdown]
# Lecture 3's lesson: compare an estimate with the exact oracle **at the estimate's own
# accuracy**, on the exact oracle's frontier. Each of our three estimates sits at its own
# accuracy: Eq 9 at $A_N$, Eq 8 with the mean α at $1 - \bar\alpha(1 - A_N)$, and Eq 8 with
# $\alpha = \alpha_N$ at exactly $A_\text{oracle}$ (Eq 7: $A_\text{oracle}$ depends on
# $\alpha_N$ alone).

# %%
alpha_N = bounds.alphas(frontier_correct)[-1]
estimates = {"Eq 9 (alpha = 1)": safe,
             f"Eq 8, mean alpha = {mean_alpha:.2f}": constant,
             f"Eq 8, alpha = alpha_N = {alpha_N:.2f}": space.constant_alpha(alpha_N)}
pd.DataFrame(
    [(name, point.accuracy, point.selection_cost,
      cost_at_accuracy(frontier.cost, frontier.accuracy, target_accuracy=point.accuracy))
     for name, point in estimates.items()],
    columns=["estimate", "at accuracy", "estimated cost", "exact oracle's least cost"],
).set_index("estimate").assign(
    **{"estimate / exact": lambda t: t["estimated cost"] / t["exact oracle's least cost"]}
).round(4)

# %% [markdown]
# What the numbers show, honestly:
#
# - **The exact oracle gains accuracy.** The star sits well above the largest state, because
#   the small states are right on images the largest one gets wrong (Section 3). The
#   conservative bound, at α = 1, cannot see that gain by construction.
# - **At $A_N$, the conservative bound is conservative.** The exact oracle (open circle) is
#   cheaper than Eq 9 (square), as Lecture 3 proved it must be: the bound's promise is kept,
#   with room to spare (first row, last column above 1).
# - **The constant-α estimate is a model, and the accuracy it predicts depends on which α you
#   pick.** With the mean α, Eq 8 predicts less accuracy gain than the exact oracle reaches,
#   because $\alpha_N$ is below the mean (Section 4: α falls with the state index). At the
#   accuracy it does predict, compare its cost with the exact frontier in the second row. With
#   $\alpha = \alpha_N$ it gets the accuracy exactly right, and the cost too low (third row):
#   the middle states' α's are larger than $\alpha_N$, so more images climb than a constant α
#   assumes (Lecture 3, Section 3).
#
# These are the paper's Fig 4 findings on models you trained yourself: the bounds frame the
# opportunity, and the exact oracle, when you can measure it, says more.

# %% [markdown]
# ## 6. Selection cost or sequential cost?
# *Estimated time to here: 35 min.*
#
# $R_\text{oracle}$ is a **selection** cost: each image pays only for the state that answers
# it, as if an ideal selector knew where to send it. A **cascade** runs the states one after
# another, cheapest first, and pays for every state it runs (Lecture 2). At the oracle's own
# choices:

# %%
print(f"selection cost:  {exact.selection_cost:.4f} MFLOPs per image -> "
      f"{exact.r_ratio:.1f}x cheaper than {space.names[-1]}")
print(f"sequential cost: {exact.sequential_cost:.4f} MFLOPs per image -> "
      f"{space.costs[-1] / exact.sequential_cost:.1f}x cheaper")
stop_selection, stop_sequential = space.costs, bounds.sequential_costs(space.costs)
pd.DataFrame({"exit share": exact.exit_share,
              "cost of stopping here, selection": stop_selection,
              "cost of stopping here, sequential": stop_sequential,
              "extra a cascade pays, per image overall":
                  exact.exit_share * (stop_sequential - stop_selection)},
             index=list(space.names)).round(5)

# %% [markdown]
# **Think.** The last column sums to the gap between the two costs. Which images make up most
# of it: the many that stop early, or the few that climb high? What would shrink the gap?
#
# <details><summary>Our answer</summary>
#
# The few that climb high. An image that stops at state 2 pays only $R_1$ extra, which is tiny;
# an image that climbs to the last state pays for *every* state below it, and here the middle
# states cost about as much as each other, so that adds up. Read the last column: the small
# exit shares of the top states carry most of the gap. The gap shrinks when states share
# computation (the exits of one early-exit network, Lecture 5), when the cheaper states are
# much cheaper than the ones above them, or when a router can skip states instead of running
# them all in turn.
# </details>

# %% [markdown]
# ## 7. Which state matters most?
# *Estimated time to here: 38 min.*
#
# ### Exercise 4.2 — Remove one state
# Remove one state at a time (never the largest) and recompute the exact oracle. Which removal
# raises $R_\text{oracle}$ the most?
#
# 1. **Predict first:** write the name of the state you expect in `my_guess`. The exit shares
#    of Section 6 and the costs of Section 2 are good clues.
# 2. Complete `oracle_without(i)`: the exact oracle on the test split with state `i` removed.

# %%
my_guess = ""  # e.g. "rff500-8x8"


def oracle_without(i):
    """The exact oracle on the frontier's states, without state i (0-based)."""
    keep = [j for j in range(len(space)) if j != i]
    ...  # return bounds.oracle(...) on the columns of frontier_correct and the costs in keep


# %%
# Check
results = [oracle_without(i) for i in range(len(space) - 1)]
if any(result is None for result in results):
    print("✗ Not yet: make oracle_without return bounds.oracle(...), then run both cells.")
else:
    at_A_N = []  # Lecture 3's fair comparison: least cost at the full family's A_N
    for i in range(len(space) - 1):
        keep = [j for j in range(len(space)) if j != i]
        reduced = oracle_frontier(frontier_correct[:, keep], space.costs[keep])
        at_A_N.append(cost_at_accuracy(reduced.cost, reduced.accuracy, target_accuracy=A_N))
    removal = pd.DataFrame({
        "R_oracle (MFLOPs)": [r.selection_cost for r in results],
        "change in R_oracle": [r.selection_cost / exact.selection_cost - 1 for r in results],
        "A_oracle": [r.accuracy for r in results],
        "change in A_oracle (pp)": [100 * (r.accuracy - exact.accuracy) for r in results],
        "cost at A_N (MFLOPs)": at_A_N,
    }, index=pd.Index(space.names[:-1], name="removed"))
    display(removal.style.format({"change in R_oracle": "{:+.1%}",
                                  "change in A_oracle (pp)": "{:+.2f}"}, precision=4))
    answer = removal["R_oracle (MFLOPs)"].idxmax()
    print(f"Removing {answer} raises R_oracle the most.")
    print("✓ Your guess was right." if my_guess == answer else
          f"✗ You guessed {my_guess!r}. Why is it {answer}? See the answer below.")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
#     return bounds.oracle(frontier_correct[:, keep], space.costs[keep])
# ```
# </details>
#
# **Think.** Why does that state matter most? Does removing a state ever *lower*
# $R_\text{oracle}$, and would that be good news? Do the two cost columns, $R_\text{oracle}$
# and the cost at $A_N$, rank the removals alike?
#
# <details><summary>Our answer</summary>
#
# A state is worth much to the oracle when it answers many images (its exit share) *and* the
# next state up that could answer them instead is much dearer: remove it, and those images
# climb to that dearer state. Two kinds of state score high: a cheap state with a large exit
# share just below a jump in cost, and the state just below the largest one, whose images
# would otherwise climb to the most expensive state of all. Look for both in the table.
#
# Removing a state can also lower $R_\text{oracle}$: images that *only* that state got right
# fall back to state 1, which is cheap. That is not good news, because the oracle has lost
# accuracy too (the $A_\text{oracle}$ column). This is Lecture 3's lesson again: compare costs
# at the same accuracy. The last column does; it is never below the full family's cost at
# $A_N$, because removing a state can only take fixes away from the frontier.
# </details>

# %% [markdown]
# ## Recap
# - The CIFAR-like data has a long tail of difficulty: most images are easy for every state,
#   a few are hard for all of them, and the middle is where adaptivity pays.
# - Six scikit-learn states trained in seconds give a real correctness matrix; their costs are
#   counted FLOPs, which can disagree widely with measured latency.
# - α per state (Fig 2) is high for the second state and falls with the state index on this
#   family: far from the constant the paper's Eq 8 assumes.
# - The exact oracle gains accuracy over the largest state, by exactly $(1 - \alpha_N)(1 - A_N)$:
#   the images the largest state misses and a smaller one gets right.
# - At the largest state's accuracy the exact oracle is cheaper than the conservative bound, as
#   it must be; the constant-α estimate is a model whose error here comes from α not being
#   constant.
# - A cascade pays the sequential cost, more than the oracle's selection cost; how much more
#   depends on how the costs grow.
#
# ## What comes next
# - [Lecture 5 · Torch states and early exits](05_torch_states.ipynb): CNNs whose FLOPs torch
#   counts itself, and an early-exit network whose states share computation.
# - Assignment: `exercises/a04_state_space/a04_state_space.ipynb`.
#
# ## References
# - S. Hor, Y. Qian, M. Pilanci, A. Arbabian. *Adaptive Inference: Theoretical Limits and
#   Unexplored Opportunities.* Section 2.2 (Eq 4-9), Section 3.3, Fig 2 and Fig 4.
# - F. Pedregosa et al. *Scikit-learn: Machine Learning in Python.* JMLR 12, 2011: the models
#   of the family.
