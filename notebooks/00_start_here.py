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
# # 0 · Start here: don't take a Ferrari for groceries
#
# **Adaptive inference** serves easy inputs with a small, cheap model and escalates to a big one only
# when needed. Most inputs are easy; paying for the biggest model on every one of them is like taking
# a Ferrari to the supermarket.
#
# This course asks two questions and answers both with code you run:
#
# 1. **How much could adaptivity save at best?** The paper by Hor, Qian, Pilanci & Arbabian,
#    *Adaptive Inference: Theoretical Limits and Unexplored Opportunities*, bounds it with an
#    *adaptive oracle*: an agent that knows which models answer each input correctly and always
#    picks the cheapest one. Equation numbers in this course (Eq 4-13) are the paper's.
# 2. **How close do practical routers get?** Confidence thresholds, agreement-based cascades and
#    learned routers, trained and measured on your own CPU.
#
# **Objectives.** By the end of this page you can: read a cost-accuracy plane; say what the
# conservative bound and the exact oracle promise, as an `R_ratio`; find your way around the course.
#
# **Estimated time:** 15 minutes. **Prerequisites:** Python and NumPy; no machine learning needed yet.

# %% [markdown]
# ## Words and units used everywhere
#
# | symbol | in code | meaning | unit |
# |---|---|---|---|
# | state $i$ | `names[i]` | one model the agent can run; states are ordered by cost | |
# | $R_i$ | `costs[i]` | the cost of running state $i$ on one input | GFLOPs (10⁹ floating-point operations), MFLOPs (10⁶), ms or dollars per input |
# | $A_i$ | `accuracies[i]` | the share of inputs state $i$ gets right | a fraction in [0, 1], never a percentage |
# | $N$ | `len(space)` | the largest (most accurate, most expensive) state | |
# | $R_\text{oracle}$, $A_\text{oracle}$ | `point.selection_cost`, `point.accuracy` | what the adaptive oracle pays per input, and how often it is right | as $R_i$, $A_i$ |
# | $R_\text{ratio} = R_N / R_\text{oracle}$ | `point.r_ratio` | how many times cheaper than always running the largest state | a plain number, e.g. 9.2× |
# | $\Delta A = A_\text{oracle} - A_N$ | `point.delta_a` | accuracy gained over the largest state | **percentage points** (pp): 0.83 → 0.85 is +2 pp |
#
# An `R_ratio` above 1 means cheaper than the largest state; below 1 means *more expensive*.

# %% [markdown]
# ## How to use the course
#
# | folder | what is in it |
# |---|---|
# | `notebooks/` | the lectures, in order: this start page, then [1 · Why inference cost matters](01_inference_cost.ipynb), [2 · The adaptive oracle](02_adaptive_oracle.ipynb), [3 · α and the bounds](03_alpha_and_bounds.ipynb), [4 · A state space you train yourself](04_your_state_space.ipynb) |
# | `exercises/` | the graded assignments; each checks your answers with `grader.check("q1")` |
# | `adaptlab/` | the small library every notebook calls (`adaptlab.bounds` is the paper's theory) |
# | `course/` | the syllabus, guides, example model tables and figures |
#
# Run each notebook top to bottom (*Run → Run All Cells*) on the **Python (adaptlab)** kernel.
# Everything is seeded and offline: the images are generated on your machine, nothing is downloaded.

# %% [markdown]
# ## A two-minute tour
#
# ### One state space
# Five models of growing cost: torchvision's published figures for EfficientNet-B0 to B4 on
# ImageNet. Costs are GFLOPs per image, accuracies are fractions of ImageNet's validation images.

# %%
import numpy as np

from adaptlab import bounds
from adaptlab.plots import cost_accuracy_plane
from adaptlab.published import family_state_space
from adaptlab.simulate import correlated_models

space = family_state_space("EfficientNet").subset([0, 1, 2, 3, 4])
space.to_frame()

# %% [markdown]
# ### One bound
# The **conservative bound** (Eq 9 of the paper, α = 1) needs only each model's cost and accuracy.
# It says an oracle could match the largest model's accuracy at a fraction of its cost:

# %%
safe = space.conservative()
print(f"Always running {space.names[-1]}: {safe.largest_cost:.2f} GFLOPs per image")
print(f"The oracle, at the same accuracy: {safe.selection_cost:.2f} GFLOPs per image, "
      f"R_ratio = {safe.r_ratio:.1f}x cheaper")

# %% [markdown]
# ### One exact oracle
# The bound assumed the worst about how the models' errors overlap. With per-image correctness we can
# compute the oracle exactly. Here we simulate five models with these accuracies whose errors are
# correlated (hard images fool every model more often) and measure **α**, the chance that every
# smaller model is also wrong when a larger one is wrong (Eq 6).
#
# **Predict, then run.** The bound assumed α = 1, the worst case. With α below 1, will the exact
# oracle be cheaper or dearer than the bound? More or less accurate than B4?

# %%
sim = correlated_models(space.accuracies, n_instances=20_000, correlation=0.8, seed=0)
exact = bounds.oracle(sim.correct, space.costs)
alpha = bounds.alphas(sim.correct)
print("alpha per state:", np.round(alpha, 2))
print(f"exact oracle: {exact.selection_cost:.2f} GFLOPs per image, accuracy {exact.accuracy:.3f}: "
      f"{exact.r_ratio:.1f}x cheaper and {100 * exact.delta_a:+.1f} pp more accurate "
      f"than {space.names[-1]}")
print("share of images each model answers:", np.round(exact.exit_share, 3))

# %% [markdown]
# ### One picture
# No adaptive agent on these five models can sit above and to the left of the oracle: to be at least
# as accurate, it must pay at least as much. The dashed line is the constant-α family of bounds (Eq 8):
# α = 1 at its bottom end, α = 0 at the top.

# %% mystnb={"image": {"alt": "Cost-accuracy plane of EfficientNet B0 to B4, cost on a log axis: the five models climb slowly from left to right; the conservative bound, the continuous bound and the constant-alpha point sit far to the left of the largest model, and the exact oracle on simulated errors lies further left and above every model."}}
cost_accuracy_plane(space, oracle=exact, alpha=float(np.nanmean(alpha[1:])),
                    title="EfficientNet B0-B4: what an adaptive agent could reach");

# %% [markdown]
# ### Your turn: one graded question (2 minutes)
# Suppose you can only run the smallest and the largest model, and they make *nested* mistakes
# (α = 1: whenever B4 is wrong, B0 is wrong too). Use `bounds.two_state(costs, accuracies)` (Eq 10)
# on `space.costs` and `space.accuracies` to compute how many times cheaper than B4 alone the oracle
# on these two states is. Replace `...` with your expression, then run the check below it.

# %%
my_r_ratio = ...  # e.g. bounds.two_state(space.costs, space.accuracies).<which attribute?>

# %%
expected = bounds.two_state(space.costs, space.accuracies).r_ratio
if my_r_ratio is ...:
    print("Replace the ... above with your answer, then run this cell again.")
elif np.isclose(my_r_ratio, expected, rtol=1e-6):
    print(f"✓ Right: with only B0 and B4 the oracle is {expected:.2f}x cheaper than B4 alone. "
          f"All five states gave {safe.r_ratio:.2f}x: the states in between are worth having "
          "(lecture 7 calls it granularity).")
elif np.isclose(my_r_ratio, 1 / expected, rtol=1e-6):
    print("✗ Upside down: R_ratio is R_N / R_oracle, the largest state's cost over the oracle's.")
else:
    print("✗ Not yet. Call bounds.two_state(space.costs, space.accuracies) and read its "
          "r_ratio attribute: R_N / R_oracle.")

# %% [markdown]
# ### One cascade you train yourself
# Published figures are someone else's models. Here are yours: 6,000 generated 32×32 images in 10
# classes (most easy, a tail of hard ones), and six scikit-learn models of growing cost trained on
# them in a few seconds.

# %% mystnb={"image": {"alt": "A grid of generated 32 by 32 test images, one row per class (shapes and textures), ordered from the easiest image on the left to the hardest, noisiest one on the right."}}
from adaptlab.compare import compare_routers
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.plots import image_grid
from adaptlab.sklearn_family import train_sklearn_family

splits = train_val_test_split(make_cifar_like(6_000, seed=0), seed=0)
image_grid(splits.test, per_class=6, title="Easiest to hardest, per class");

# %% [markdown]
# Each row of the table below is a router, *calibrated on the validation split* to match the largest
# model's accuracy and *reported on the test split*; costs are MFLOPs per image, paid for every model
# the cascade runs. The first rows are references: the largest model alone, the exact oracle and the
# conservative bound.

# %%
family = train_sklearn_family(splits, seed=0, progress=False)
comparison = compare_routers(family)
comparison.table[["router", "accuracy", "cost", "R_ratio"]].round(3)

# %% [markdown]
# The exact oracle is far cheaper than every practical router: the gap between them is the
# opportunity the paper measures, and the subject of the lectures that follow.
#
# ### One widget
# Pick a router and move its threshold. A low threshold lets most inputs stop at the cheapest model; a
# high one sends them on to the largest. The circled point is where you are; the red curve is the best
# any router could do on these models and these images.

# %%
from adaptlab.widgets import threshold_explorer

threshold_explorer(comparison)

# %% [markdown]
# ## Recap
# - An adaptive oracle picks, per input, the cheapest model that gets it right (Definition 2.1).
# - The conservative bound needs only published costs and accuracies; `R_ratio` says how many times
#   cheaper than the largest model it is, at the largest model's accuracy.
# - α measures how much the models' errors overlap; the less they overlap, the more an oracle gains,
#   and it can even beat the largest model's accuracy.
# - Practical routers, calibrated on validation, recover only part of that gain: the rest of the
#   course is about why, and how much more is possible.
#
# **Next:** [Lecture 1 · Why inference cost matters](01_inference_cost.ipynb). Outside the notebooks,
# `.venv/bin/python -m adaptlab tour` runs the whole experiment headless, and
# `.venv/bin/python -m adaptlab bounds models.csv` prices your own models.
#
# **Reference.** Hor, Qian, Pilanci & Arbabian, *Adaptive Inference: Theoretical Limits and
# Unexplored Opportunities*.
