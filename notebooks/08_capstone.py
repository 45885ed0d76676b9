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
# # 8 · Capstone: edge-to-cloud, LLM APIs and guarantees
#
# You have the theory (the adaptive oracle and its bounds), state spaces you trained, routers
# calibrated on validation and a way to design the state space. This last lecture is about
# shipping one. A practitioner asks four questions, in this order: *what does a request cost,
# in the currency I pay?* *Is adaptivity worth building at all?* *Will the threshold I tuned
# still hold next month?* *How do I run all this on my own models?* We answer each with the
# library, and end with a checklist.
#
# **Objectives.** By the end you can:
# - price one cascade in milliseconds (edge to cloud) and in dollars (LLM API prices), and
#   explain why its gain differs by unit;
# - compute what the bounds promise **before** building anything, from published figures
#   (Llama-2) and from API prices, and say what a per-call overhead does to them;
# - derive a p-value for "this threshold's accuracy is below $A^\star$" and explain why
#   fixed-sequence testing certifies many thresholds at once (Learn then Test);
# - measure how often a naively calibrated threshold misses its target on new data, and what
#   a threshold with a finite-sample guarantee costs instead;
# - run `python -m adaptlab compare` on per-instance predictions of any models;
# - follow a practitioner's checklist from "should I?" to "it is deployed".
#
# **Estimated time:** 60 minutes.
#
# **Prerequisites:** [Lecture 1 · Why inference cost matters](01_inference_cost.ipynb) (cost
# units, `EdgeCloudSetup`, API prices), [Lecture 3 · α and the bounds](03_alpha_and_bounds.ipynb)
# (Eq 9), Lecture 6 (routers calibrated on validation, reported on test). Probability: the
# binomial distribution.
#
# **Notation** (new symbols in the last rows)
#
# | symbol | meaning | unit |
# |---|---|---|
# | $R_i$, $A_i$ | cost and accuracy of state $i$, cheapest first | ms, \$ or GFLOPs per instance; fraction |
# | $R_\text{oracle}$ | the conservative bound's cost (Eq 9) | as $R_i$ |
# | $R_\text{ratio} = R_N / R$ | times cheaper than always running the largest state | × |
# | $t$ | a cascade's threshold: state $i$ answers when its confidence is at least $t$ | – |
# | $A(t)$ | accuracy of the cascade at threshold $t$ on new data (the population) | fraction |
# | $\hat A(t)$ | its accuracy on $n$ validation instances | fraction |
# | $A^\star$ | the target accuracy; $\varepsilon$ the tolerance, so the floor is $A^\star - \varepsilon$ | fraction; percentage points (pp) |
# | $\delta$ | how often the guarantee may fail, over draws of the validation set | fraction |

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from scipy import stats

from adaptlab import plots, risk
from adaptlab.__main__ import main as adaptlab_command
from adaptlab.costs import EdgeCloudSetup, api_cost_model, compute_time_ms, convert_flops
from adaptlab.predictions import Predictions, compare_predictions, read_predictions
from adaptlab.published import family_state_space, table1
from adaptlab.statespace import StateSpace

EXAMPLE = "../course/examples/predictions.csv"

# %% [markdown]
# ## 1. One cascade, priced in milliseconds and in dollars
# *Estimated time to here: 0 min*
#
# We start from per-instance results, not from a trained model: the file
# `course/examples/predictions.csv` holds, for 8,000 CIFAR-like test images, whether each of
# the course's six scikit-learn models was right and how confident it was (its top class
# probability). It is the format Section 4 asks you for; here we read it with
# `read_predictions`. Costs are counted MFLOPs per image.

# %%
predictions = read_predictions(EXAMPLE, unit="MFLOPs")
print(f"{len(predictions):,} instances, {len(predictions.names)} models")
pd.DataFrame({"model": predictions.names, "MFLOPs": predictions.costs,
              "accuracy (all instances)": predictions.correct.mean(axis=0)})

# %% [markdown]
# Take two of them, an **edge** model that a phone runs and a **cloud** model: the two most
# accurate ones. The phone answers when its model is confident and escalates otherwise.
# `compare_predictions` cuts the instances into validation and test, calibrates the threshold on
# validation so that the cascade is as accurate as the cloud model alone, and measures it on test.

# %%
pair = [4, 5]
two_states = Predictions(names=tuple(predictions.names[i] for i in pair),
                         costs=predictions.costs[pair], instances=predictions.instances,
                         correct=predictions.correct[:, pair],
                         confidence=predictions.confidence[:, pair], unit="MFLOPs")
edge_cloud = compare_predictions(two_states, val_share=0.5, seed=0)
point = edge_cloud.runs["confidence cascade"].point
escalated = point.exit_share[-1]
print(f"edge: {two_states.names[0]}, cloud: {two_states.names[1]}")
print(f"test accuracy {point.accuracy:.3f} (cloud alone {point.largest_accuracy:.3f}); "
      f"escalated to the cloud: {escalated:.1%} of the images")

# %% [markdown]
# The **same routing** (which images were escalated) is now priced three ways: in MFLOPs, in
# milliseconds with Lecture 1's illustrative phone and network, and in dollars as if the two
# states were two LLM APIs, `gpt-4o-mini` and `gpt-4o`, with 500 input and 200 output tokens per
# request (the bundled price table is an illustrative snapshot: load yours).

# %%
setup = EdgeCloudSetup(
    edge_gflops=convert_flops(two_states.costs[0], from_unit="MFLOPs", to_unit="GFLOPs"),
    device_gflops_per_s=20.0, device_power_w=3.0,            # a phone CPU (illustrative)
    rtt_ms=60.0, payload_bytes=50_000, bandwidth_mbit_per_s=10.0,  # a mobile network
    cloud_latency_ms=15.0, cloud_usd_per_call=0.001,
)
api = api_cost_model(["gpt-4o-mini", "gpt-4o"], 500, 200)
call_rates = [1.0, escalated]  # everyone runs the first state; the escalated run the second too
priced = []
for unit, per_state, always_big in [
    ("MFLOPs", two_states.costs, two_states.costs[1]),
    ("ms (edge to cloud)", setup.cost_model(unit="ms").per_state(),
     setup.network_ms + setup.cloud_latency_ms),
    ("$ (as two LLM APIs)", api.per_state(), api.per_state()[1]),
]:
    cascade_cost = float(np.dot(call_rates, per_state))
    priced.append({"unit": unit, "cascade, per request": cascade_cost,
                   "always the big state": always_big,
                   "R_ratio": always_big / cascade_cost})
pd.DataFrame(priced)

# %% [markdown]
# **Think.** One routing, three values of $R_\text{ratio}$. Why is the gain larger in
# milliseconds than in MFLOPs?
#
# <details><summary>Our answer</summary>
#
# In milliseconds the edge model is almost free (a fraction of a millisecond on the phone) and
# the expensive part is the network: the round trip and the upload are paid only by the
# escalated images. In FLOPs the edge model is a sizeable fraction of the cloud model (compare
# their MFLOPs above), so running it first on every image is a large overhead. **The unit decides
# whether a cascade pays**, which is why Lecture 1 insisted on pricing in the currency you pay.
# In the API setting the small model's price is a small fraction of the big one's, which also
# favours the cascade.
# </details>

# %% [markdown]
# ## 2. What the bound says before you build anything
# *Estimated time to here: 12 min*
#
# Building a cascade means collecting data, labelling it, running every model on it and
# calibrating. The conservative bound (Eq 9) needs only each model's cost and accuracy, which
# are often published:
#
# $$ R_\text{oracle} = R_1 + \sum_{i=2}^{N} (R_i - R_1)(A_i - A_{i-1}), \qquad
#    A_\text{oracle} = A_N . $$
#
# If even this best case saves little, do not build. Here it is on the three Llama-2 models
# (HellaSwag accuracy, GFLOPs per 128-token sequence; sources in `published_figures()`).

# %%
llama = family_state_space("Llama-2")
display(llama.to_frame())
safe = llama.conservative()
paper = table1().set_index("family").loc["Llama-2"]
print(f"Eq 9: R_oracle = {safe.selection_cost:,.0f} GFLOPs, R_ratio = {safe.r_ratio:.2f}x "
      f"(the paper's Table 1: {paper['paper R_ratio']:.2f}x)")

# %% [markdown]
# **Predict, then run.** Suppose the three models are served on one GPU at a sustained
# 100 TFLOP/s, so milliseconds are GFLOPs divided by a constant. Does $R_\text{ratio}$ change?
# And what if every call also pays a fixed 40 ms (queueing, tokenisation, the network)? Write
# down both guesses.

# %%
gpu_gflops_per_s = 100_000.0  # illustrative
compute_ms = compute_time_ms(llama.costs, gpu_gflops_per_s)
for label, ms in [("compute only", compute_ms), ("compute + 40 ms per call", compute_ms + 40)]:
    bound = StateSpace(llama.names, ms, llama.accuracies, unit="ms").conservative()
    print(f"{label:26s} R_N = {ms[-1]:6.1f} ms, R_oracle = {bound.selection_cost:6.1f} ms, "
          f"R_ratio = {bound.r_ratio:.2f}x")

# %% [markdown]
# A constant factor cancels in $R_N / R_\text{oracle}$; a constant *added* to every state does
# not. With a fixed cost $c$ per call, every $R_i$ becomes $R_i + c$ and
#
# $$
# \begin{aligned}
# R_\text{oracle}(c) &= (R_1 + c) + \sum_{i=2}^{N} \big((R_i + c) - (R_1 + c)\big)(A_i - A_{i-1})
#                     = R_\text{oracle}(0) + c, \\
# R_\text{ratio}(c) &= \frac{R_N + c}{R_\text{oracle}(0) + c} \;\longrightarrow\; 1
#   \quad \text{as } c \text{ grows.}
# \end{aligned}
# $$
#
# The bound's gain shrinks towards 1 as the overhead dominates: Lecture 1's measured latencies
# said the same.
#
# ### Exercise 2.1 — The bound for two LLM APIs
# You are choosing between `gpt-4o-mini` and `gpt-4o` for your task. The dollars per request come
# from the price table; the accuracies you must **measure** on a few hundred labelled requests of
# your own. The two numbers below are placeholders, not published figures: put in yours, then
# compute the conservative bound (a `StateSpace` with the two models and its `conservative()`),
# and read off $R_\text{ratio}$ in dollars.

# %%
api_usd = api.per_state()
your_accuracies = [0.80, 0.86]  # placeholders: measure them on your task

api_bound = ...  # your code: StateSpace(...).conservative()

# %%
# Self-check: run me after the cell above.
expected = StateSpace(("gpt-4o-mini", "gpt-4o"), api_usd, your_accuracies, unit="$").conservative()
if api_bound is ...:
    print("… not filled in yet")
elif np.isclose(api_bound.selection_cost, expected.selection_cost):
    print(f"✓ R_oracle = ${api_bound.selection_cost:.6f} per request, "
          f"R_ratio = {api_bound.r_ratio:.1f}x at accuracy {api_bound.accuracy:.2f}")
else:
    print("✗ check the order of the arguments: names, costs (dollars), accuracies")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# api_bound = StateSpace(("gpt-4o-mini", "gpt-4o"), api_usd, your_accuracies, unit="$").conservative()
# ```
# With two states Eq 9 is Eq 10, $R_\text{oracle} = R_1 + (A_2 - A_1)(R_2 - R_1)$: the oracle
# pays the small model on every request and the big one on the share $A_2 - A_1$ that only the
# big model gets right (with $\alpha = 1$). A real cascade pays more: it runs both models on the
# escalated requests and cannot pick exactly the right ones.
# </details>

# %% [markdown]
# ## 3. A threshold with a guarantee
# *Estimated time to here: 25 min*
#
# Lecture 6 calibrated a threshold on validation: the cheapest $t$ with
# $\hat A(t) \ge A^\star$. The validation set is a sample, so $\hat A(t)$ is noisy, and among
# many thresholds the cheapest one that reaches the target is, more often than not, one whose
# noise happened to be positive: it is a little worse on new data (the winner's curse). How
# often does it fall below $A^\star - \varepsilon$? And can we pick a threshold that does not,
# except with a small probability $\delta$ that we choose?
#
# ### A p-value for one threshold
# Fix a threshold $t$ and the floor $a = A^\star - \varepsilon$. The null hypothesis is the bad
# case, $H_t: A(t) < a$. On $n$ independent validation instances the number of correct answers is
# $K = n \hat A(t) \sim \text{Binomial}(n, A(t))$. If $H_t$ holds, a high count is unlikely:
#
# $$
# \begin{aligned}
# P(K \ge k \mid A(t)) &= \sum_{j=k}^{n} \binom{n}{j} A(t)^j (1 - A(t))^{n-j}
#   && \text{(the binomial tail)} \\
# &\le \sum_{j=k}^{n} \binom{n}{j} a^j (1 - a)^{n-j} =: p(k)
#   && \text{(the tail grows with the success rate, and } A(t) < a\text{)}.
# \end{aligned}
# $$
#
# So rejecting $H_t$ when $p(k) \le \delta$ errs with probability at most $\delta$ when $t$ is
# bad. Hoeffding's inequality gives a looser $p(k) = \exp(-2n(k/n - a)_+^2)$ that holds for any
# loss in $[0, 1]$; for 0/1 accuracy the exact tail is valid and tighter, so it is the default.
#
# ### Exercise 3.1 — A p-value by hand
# 940 of 1,000 validation instances are right. Compute the p-value of "the accuracy is below
# 0.93" with `stats.binom.sf` (careful: `sf(k - 1)` is $P(K \ge k)$).

# %%
p_by_hand = ...  # your code: stats.binom.sf(...)

# %%
# Self-check: run me after the cell above.
expected_p = risk.accuracy_p_value(940, 1000, floor=0.93)
if p_by_hand is ...:
    print("… not filled in yet")
elif np.isclose(p_by_hand, expected_p):
    print(f"✓ p = {p_by_hand:.4f}: certified at delta = 0.1? {p_by_hand <= 0.1}")
else:
    print(f"✗ {p_by_hand!r}: P(K >= 940) is binom.sf(939, 1000, 0.93)")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# p_by_hand = stats.binom.sf(939, 1000, 0.93)
# ```
# </details>
#
# ### Many thresholds: fixed-sequence testing (Learn then Test)
# One test per threshold, and thousands of thresholds: if each errs with probability $\delta$,
# some will. *Learn then Test* (Angelopoulos, Bates et al., 2021) controls the chance of
# certifying **any** bad threshold. Order the thresholds from the safest ($t = +\infty$: every
# instance goes to the largest state) to the cheapest, test them in that order and **stop at the
# first that fails**; certify all before it. A bad threshold can only be certified if the *first*
# bad threshold of the sequence is: everything before it passed, and testing never skips. That
# first bad threshold is fixed by the population, not by the data, and its one test errs with
# probability at most $\delta$. Hence
#
# $$ P\big(\text{some certified } t \text{ has } A(t) < A^\star - \varepsilon\big) \le \delta, $$
#
# and we may choose freely among the certified thresholds. `risk.calibrate_guarded` takes the
# cheapest certified one whose validation accuracy also reaches $A^\star$: the naive choice,
# when the naive choice is certified, and a safer one when it is not.
#
# **Predict, then run.** We redraw 200 times a validation set of 1,000 instances from the 8,000
# and keep the other 7,000 as test. Target: 85% accuracy, $\varepsilon$ = 1 pp, $\delta$ = 0.1.
# In what share of the 200 draws will the *naive* threshold's accuracy fall below 84%? Write a
# number down.

# %%
experiment = risk.resplit_experiment(
    predictions.confidence, predictions.correct, predictions.costs,
    n_val=1000, n_splits=200, target_accuracy=0.85, epsilon=0.01, delta=0.1, seed=0,
)
print(f"floor A* - epsilon = {experiment.floor:.2f}; {experiment.n_val:,} validation and "
      f"{experiment.n_test:,} test instances per split; test noise "
      f"{100 * experiment.test_noise:.2f} pp")
for rule in ("naive", "guarded"):
    results = getattr(experiment, rule)
    print(f"{rule:8s} violations: {results.violation_rate(experiment.floor, on='pool'):.1%} "
          f"on the pool, {results.violation_rate(experiment.floor, on='test'):.1%} on test "
          f"(delta = {experiment.delta:.0%})")
print(f"the guarantee costs {experiment.cost_ratio:.2f}x the naive threshold's MFLOPs, on average")
experiment.table.round(4)

# %% mystnb={"image": {"alt": "Two histograms of accuracy over 200 re-splits, on the whole pool and on the test split: the naive thresholds, in orange, fall below the dashed floor A-star minus epsilon more often than the guarded ones, in green, which sit higher."}}
fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained", sharey=True)
bins = np.linspace(0.82, 0.875, 34)
for ax, on in zip(axes, ("pool", "test")):
    for rule, color in (("naive", "tab:orange"), ("guarded", "tab:green")):
        results = getattr(experiment, rule)
        accuracy = results.pool_accuracy if on == "pool" else results.accuracy
        ax.hist(accuracy, bins=bins, alpha=0.6, color=color,
                label=f"{rule}: {results.violation_rate(experiment.floor, on=on):.1%} below")
    ax.axvline(experiment.floor, color="black", ls="--", label=r"$A^\star - \varepsilon$")
    ax.axvline(experiment.target_accuracy, color="0.5", ls=":", label=r"target $A^\star$")
    ax.set_xlabel(f"accuracy on the {'whole pool (what the guarantee covers)' if on == 'pool' else 'test split (what you measure)'}")
    ax.legend(fontsize=8, loc="upper left")
axes[0].set_ylabel("number of re-splits (of 200)")
fig.suptitle("Naive vs guarded thresholds over 200 validation draws of 1,000 instances");

# %% [markdown]
# Read the two panels. On the **pool** (all 8,000 instances, the distribution every validation
# set was drawn from, so the accuracy the guarantee is about, known exactly) the guarded rule
# stays below the dashed line in at most about a share $\delta$ of the draws, as promised; the
# naive rule falls below it far more often. On the **test split** both rules miss more: a test
# set of 7,000 instances adds noise of its own (printed above), and in a finite pool a lucky
# validation draw leaves a slightly unlucky test split. Neither effect is covered by the
# guarantee; that is why the guarantee is stated about the population.
#
# The guarantee is not free: the guarded threshold escalates more, and the cost ratio printed
# above is its price. It falls as the validation set grows (the binomial tail tightens as
# $1/\sqrt{n}$) and as $\varepsilon$ widens.
#
# **Think.** Your manager wants "at least 85%, guaranteed". Which of $A^\star$, $\varepsilon$,
# $\delta$ and the validation size would you negotiate, and what does each cost?
#
# <details><summary>Our answer</summary>
#
# "Guaranteed" needs a $\delta$: 0.1 means one deployment in ten may fall short, 0.01 one in a
# hundred; smaller $\delta$ certifies fewer thresholds, so it costs more compute. $\varepsilon$
# is how much below 85% counts as short: asking for $\varepsilon = 0$ with $A^\star$ at the big
# model's accuracy usually certifies nothing cheaper than the big model. More validation data
# is often the cheapest lever: labelling a few thousand more instances once buys a cheaper
# threshold for every request afterwards. And all of this assumes new data come from the same
# distribution as validation: re-calibrate when it shifts.
# </details>
#
# ### Exercise 3.2 — The price of confidence
# Re-run the experiment with `delta=0.01` (in a new cell, so the one above stays as it is). Does
# the guarded rule's violation rate on the pool stay below 1%? What happens to the cost ratio?

# %%
strict = ...  # your code: risk.resplit_experiment(..., delta=0.01, ...)

# %%
# Self-check: run me after the cell above.
if strict is ...:
    print("… not filled in yet")
elif strict.delta != 0.01:
    print(f"✗ this experiment used delta = {strict.delta}; pass delta=0.01")
else:
    rate = strict.guarded.violation_rate(strict.floor, on="pool")
    print(f"✓ guarded violations on the pool: {rate:.1%} (delta 1%); the guarantee now costs "
          f"{strict.cost_ratio:.2f}x (with delta = 0.1: {experiment.cost_ratio:.2f}x)")

# %% [markdown]
# ## 4. Bring your own predictions
# *Estimated time to here: 45 min*
#
# Everything above needs only a table: for each instance and each model, the cost, whether the
# model was right, and its confidence. Any models will do: your classifiers, three LLMs judged on
# a labelled set, an edge model and a cloud API. Write one row per instance and model,
#
# ```text
# instance,model,cost,correct,confidence
# 0,centroid-4x4,0.004168,1,0.1545
# 0,logistic-8x8,0.007336,1,0.8728
# ```
#
# and run, in a terminal,
#
# ```bash
# python -m adaptlab compare predictions.csv --unit MFLOPs --output figure.png
# ```
#
# (`--help` documents the format and every option). Here we call the same command from Python on
# the example file, with a smaller validation share: 1,600 validation images.

# %%
status = adaptlab_command(["compare", EXAMPLE, "--unit", "MFLOPs", "--val-share", "0.2"])

# %% [markdown]
# With 1,600 validation images, even sending everything to the largest model cannot be certified
# within 1 pp of that model's own validation accuracy, so the guarded cascade says so and does
# exactly that: a guarantee you cannot afford is reported, not faked. The library call behind the
# command gives the comparison as an object; its figure is Lecture 6's. With 4,000 validation
# images the naive threshold is certified, so the two cascades share one curve and one dot.

# %% mystnb={"image": {"alt": "Router curves of the example predictions on test against the exact oracle's frontier and the bounds, accuracy against cost: the cascades lie well to the right of the oracle's frontier."}}
comparison = compare_predictions(predictions, val_share=0.5, seed=0)
plots.router_plane(comparison, title="The example predictions: cascades against the oracle (test)");

# %% [markdown]
# If your models are a trained `Family`, `adaptlab.predictions.to_long_format(family)` writes
# this format for you (that is how the example file was made).
#
# ## 5. A practitioner's checklist
# *Estimated time to here: 52 min*
#
# 1. **Name the currency.** FLOPs, ms at your batch size, J on the device, or \$ on the invoice
#    (Lecture 1). Measure per-call overheads: they add to every state and shrink every gain
#    (Section 2).
# 2. **Bound before you build.** Eq 9 on published or quickly measured costs and accuracies
#    (`python -m adaptlab bounds models.csv`). If the conservative $R_\text{ratio}$ is near 1,
#    stop here.
# 3. **Choose the states.** Keep the Pareto frontier; check the smallest state pays off (Eq 11
#    with $R_2$) and that each state earns its place (Lecture 7).
# 4. **Collect per-instance results** on a labelled set drawn like your traffic: correctness,
#    confidence and cost per model. Measure $\alpha_i$ and the exact oracle (Lectures 2-4).
# 5. **Split.** Validation to calibrate, test to report; never report on validation.
# 6. **Pick a router and calibrate** on validation (Lecture 6); compare it with the oracle
#    frontier and with a random router on test (`python -m adaptlab compare`).
# 7. **Guard the threshold.** State the target, $\varepsilon$ and $\delta$; use
#    `risk.calibrate_guarded`, and size the validation set so the guarantee is affordable.
# 8. **Price the sequential cost,** not the selection cost: a cascade pays every state it runs.
# 9. **Monitor and re-calibrate.** The guarantee assumes new data look like validation: track
#    the escalation share and a labelled sample in production, and re-calibrate when they drift.
#
# ## Recap
# - The same routing has a different gain in each unit: in MFLOPs a cascade pays the small model
#   on top of the big one, in milliseconds the network dominates and only escalations pay it.
# - The conservative bound (Eq 9) needs published costs and accuracies only: compute it before
#   building. A constant factor in the cost cancels in $R_\text{ratio}$; a per-call overhead $c$
#   drags it towards 1.
# - A naively calibrated threshold misses its target on new data far more often than one would
#   guess. Learn then Test with fixed-sequence testing and an exact binomial p-value certifies
#   thresholds with $P(A(t) < A^\star - \varepsilon) \le \delta$; over 200 re-splits the
#   measured violation rate on the pool stays within $\delta$, at a price in compute.
# - A finite test set adds noise the guarantee does not cover: measure violations against the
#   population when you can, and keep the test split large.
# - `python -m adaptlab compare predictions.csv` runs the whole comparison on your own models.
#
# ## What comes next
# This was the last lecture; the previous one is
# [Lecture 7 · Designing the state space](07_designing_state_spaces.ipynb). From here:
# - the course syllabus and its further reading, in `../course/`;
# - your own models: write their predictions in the long format and run
#   `python -m adaptlab compare`; the bounds for published families with
#   `python -m adaptlab bounds`;
# - further reading: conformal risk control and Learn then Test for other losses than accuracy
#   (Angelopoulos et al.), RouteLLM (Ong et al., 2024) for routing between LLMs, and
#   agreement-based cascading (Kolawole et al., 2024).
#
# ## References
# - S. Hor, Y. Qian, M. Pilanci, A. Arbabian. *Adaptive Inference: Theoretical Limits and
#   Unexplored Opportunities.* (Eq 9-10, Table 1.)
# - A. N. Angelopoulos, S. Bates, E. J. Candès, M. I. Jordan, L. Lei. *Learn then Test:
#   Calibrating Predictive Algorithms to Achieve Risk Control.* arXiv:2110.01052, 2021
#   (fixed-sequence testing, binomial and Hoeffding p-values).
# - W. Hoeffding. *Probability Inequalities for Sums of Bounded Random Variables.* JASA 58, 1963.
# - H. Touvron et al. *Llama 2: Open Foundation and Fine-Tuned Chat Models.* arXiv:2307.09288,
#   2023 (HellaSwag accuracies, Table 20).
# - I. Ong et al. *RouteLLM: Learning to Route LLMs with Preference Data.* arXiv:2406.18665, 2024.
# - S. Kolawole et al. *Agreement-Based Cascading for Efficient Inference.* arXiv:2407.02348, 2024.
# - API prices: the `source` column of `adaptlab.costs.load_api_prices()`.
