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
# # 1 · Why inference cost matters
#
# Training a model is a bill you pay once. Serving it is a bill that arrives with every request,
# for as long as anyone uses it. The paper this course follows opens with exactly this point: most
# of the machine-learning work in data centres is inference, not training (it cites estimates of
# 80-90% of the cloud workload), and on phones and sensors every inference drains a battery and
# keeps a user waiting.
#
# So before we ask how to make inference *adaptive*, we ask what an inference *costs*, and in
# which currency: FLOPs, milliseconds, joules or dollars. The answer changes with the unit, and
# sometimes the unit changes which model is "cheap".
#
# **Objectives.** By the end you can:
# - estimate when a deployed model's inference compute overtakes its training compute;
# - express one model's cost in FLOPs, milliseconds, joules and dollars with `adaptlab.costs`,
#   and say what each unit leaves out;
# - price an edge-to-cloud escalation, and find the share of escalated requests beyond which
#   "try the phone first" stops paying, in each unit;
# - compute the daily bill of an LLM API cascade from token prices;
# - explain why the measured latency of small models barely follows their FLOPs;
# - use the paper's words: *state*, *state space*, *cost* $R_i$, *accuracy* $A_i$,
#   $R_\text{ratio}$.
#
# **Estimated time:** 50 minutes.
#
# **Prerequisites:** [Lecture 0 · Start here](00_start_here.ipynb); Python and numpy. No
# probability yet.
#
# **Notation** (used in every lecture that follows)
#
# | symbol | meaning | unit |
# |---|---|---|
# | $N$ | number of states | – |
# | $S_i$ | state $i$: one way to answer (a model, an exit of a network, an API), $i = 1 \dots N$, cheapest first | – |
# | $R_i$ | cost of running state $i$ once on one instance | GFLOPs, MFLOPs, ms, J or \$ per instance |
# | $A_i$ | accuracy of state $i$ | fraction in $[0, 1]$ |
# | $R$ | expected cost per instance of an adaptive agent | the unit of $R_i$ |
# | $R_\text{ratio} = R_N / R$ | how many times cheaper than always running the largest state | × |
# | $s$ | share of requests escalated to a bigger state | fraction in $[0, 1]$ |

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from adaptlab import bounds
from adaptlab.costs import (
    CostModel,
    EdgeCloudSetup,
    api_call_cost,
    api_cost_model,
    compute_energy_j,
    compute_time_ms,
    convert_flops,
    load_api_prices,
    measure_latency_ms,
    states_run_from_exits,
)
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.published import published_figures
from adaptlab.sklearn_family import make_sklearn_states, train_sklearn_family

figures = published_figures().set_index("model")  # published costs and accuracies, with sources

# %% [markdown]
# ## 1. Training is paid once, inference on every request
# *Estimated time to here: 5 min*
#
# A rule of thumb from the scaling-law literature (Kaplan et al., 2020) prices both bills in
# FLOPs. A forward pass of a dense transformer costs about **2 FLOPs per parameter per token** (one
# multiply, one add); training costs about three times that per token (the backward pass is about
# twice the forward pass). With $n_\text{params}$ parameters and $n_\text{train}$ training tokens:
#
# $$
# \begin{aligned}
# C_\text{train} &\approx 6\, n_\text{params}\, n_\text{train}
#   && \text{(paid once)} \\
# C_\text{serve}(T) &\approx 2\, n_\text{params}\, T
#   && \text{(after serving } T \text{ tokens)} \\
# C_\text{serve}(T) = C_\text{train}
#   &\iff 2\, n_\text{params}\, T = 6\, n_\text{params}\, n_\text{train}
#   \iff T = 3\, n_\text{train}.
# \end{aligned}
# $$
#
# The parameter count cancels: **a model has spent as much on inference as on training once it
# has processed about three times its training set.** Let us check that with a published figure:
# Llama-2-70B's cost per 128-token sequence, from the course's table of published figures.

# %%
llama = figures.loc["Llama-2-70B"]
print("source:", llama.source)

flops_per_token = convert_flops(llama.cost_gflops, from_unit="GFLOPs", to_unit="FLOPs") / 128
n_params, n_train_tokens = 70e9, 2e12  # Llama 2 70B was trained on 2 trillion tokens
training_flops = 6 * n_params * n_train_tokens
break_even_tokens = training_flops / flops_per_token

print(f"inference: {flops_per_token:.3g} FLOPs per token (2 x parameters = {2 * n_params:.3g})")
print(f"training:  {training_flops:.3g} FLOPs, once")
print(f"inference catches up after {break_even_tokens:.3g} tokens served, "
      f"{break_even_tokens / n_train_tokens:.1f} times the training set")

# %% [markdown]
# How long that takes depends on traffic. Suppose a request is a prompt plus an answer of about
# 1,000 tokens (an assumption: change it), and look at three services of growing size.

# %%
tokens_per_request = 1_000
requests_per_day = np.array([1e6, 1e7, 1e8])
days_to_break_even = break_even_tokens / (requests_per_day * tokens_per_request)
pd.DataFrame({"requests per day": requests_per_day.astype(int),
              "days until inference = training": days_to_break_even.round().astype(int)})

# %% mystnb={"image": {"alt": "Log-log lines of Llama-2-70B's inference compute so far, in training runs, against days in service, one line per request rate; the higher the rate, the sooner its line crosses the dashed line of one training run."}}
days = np.geomspace(1, 3650, 200)
fig, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
for rate in requests_per_day:
    ax.plot(days, days * rate * tokens_per_request * flops_per_token / training_flops,
            label=f"{rate:,.0f} requests per day")
ax.axhline(1, color="black", ls="--", lw=1, label="one training run")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xticks([1, 10, 100, 1000, 3650], ["1", "10", "100", "1,000", "3,650"])
ax.set_yticks([1e-4, 1e-2, 1, 1e2], ["0.0001", "0.01", "1", "100"])
ax.set_xlabel("days in service")
ax.set_ylabel("inference compute so far\n(in training runs)")
ax.set_title("Llama-2-70B: when serving overtakes training")
ax.grid(alpha=0.3, which="both")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1));

# %% [markdown]
# **Think.** Which of the assumptions above would you check first before showing this figure to
# your manager? And what happens to the picture when the model is retrained every three months?
#
# <details><summary>Our answer</summary>
#
# The tokens per request (long prompts and chat histories can be ten times longer), and the
# constant cost per token: attention grows with the context, so 2 FLOPs per parameter per token is
# a floor for long prompts. Retraining adds another one-off bill per version, while inference keeps
# growing with the number of users; the faster a product grows, the larger inference's share.
# Either way, **every FLOP saved per request is saved on every request**, which is why the rest of
# the course is about spending fewer of them.
# </details>

# %% [markdown]
# ## 2. One cost, four units: FLOPs, milliseconds, joules, dollars
# *Estimated time to here: 12 min*
#
# The paper measures cost in FLOPs. FLOPs are a property of the model: they count arithmetic and
# nothing else, and they do not depend on the machine. What you pay is usually something else:
#
# | unit | who pays | depends on |
# |---|---|---|
# | FLOPs | nobody directly: a property of the model | the model only |
# | ms | the user, who waits | device, batch size, software, network |
# | J | the battery, or the power bill | device and its power draw, the radio |
# | \$ | whoever receives the invoice | the provider's price list |
#
# FLOPs leave out memory traffic, per-call overhead, the network and the price list: that is why
# the other three units exist.
#
# The simplest model of a device has a sustained throughput (FLOPs per second it really reaches,
# far below its peak) and a power draw while computing:
#
# $$ t\,[\text{ms}] = \frac{\text{FLOPs}}{\text{FLOPs per second}} \times 1000,
# \qquad E\,[\text{J}] = P\,[\text{W}] \times t\,[\text{s}]. $$
#
# `compute_time_ms` and `compute_energy_j` do exactly this. Here are two published ImageNet models,
# EfficientNet-B0 and B7, on two illustrative devices (measure your own: the numbers below are
# assumptions, not specifications).

# %%
devices = {  # sustained throughput (GFLOP/s) and power while computing (W): illustrative
    "phone CPU": {"gflops_per_s": 20.0, "power_w": 3.0},
    "cloud GPU": {"gflops_per_s": 50_000.0, "power_w": 300.0},
}
efficientnet = figures.loc[["efficientnet_b0", "efficientnet_b7"], "cost_gflops"]
print("MFLOPs per image:", convert_flops(efficientnet.to_numpy(), from_unit="GFLOPs",
                                         to_unit="MFLOPs"))

rows = []
for device, spec in devices.items():
    ms = compute_time_ms(efficientnet.to_numpy(), spec["gflops_per_s"])
    joules = compute_energy_j(efficientnet.to_numpy(), spec["gflops_per_s"], spec["power_w"])
    for model, gflops, t, e in zip(efficientnet.index, efficientnet, ms, joules):
        rows.append({"device": device, "model": model, "GFLOPs per image": gflops,
                     "ms per image": t, "J per image": e})
pd.DataFrame(rows).round(4)

# %% [markdown]
# **Think.** With these numbers the cloud GPU spends less energy per image than the phone does.
# Why would anyone run a model on the phone at all?
#
# <details><summary>Our answer</summary>
#
# With these numbers the GPU does more FLOPs per joule, but the phone's answer needs no network (no
# round trip to wait for, no radio to power, works offline), sends no photo to anyone (privacy),
# and costs the service nothing per call. What the phone cannot do is run B7: look at its
# milliseconds. Hence the idea of adaptive inference: B0 on the phone for the easy images, the
# big model in the cloud for the hard ones. Section 3 prices exactly that.
# </details>

# %% [markdown]
# ### Pricing a cascade: `CostModel`
# A `CostModel` holds what running each state once costs, in one unit. A **cascade** runs the
# states in order and stops when it trusts an answer, so an image escalated to B7 has run B0
# first. `states_run_from_exits` turns "which state answered" into "which states ran", and the cost
# model prices it per image (`per_instance`) or on average from how often each state was called
# (`mean_cost`).

# %%
names = ("B0", "B7")
flop_costs = CostModel(efficientnet.to_numpy(), unit="GFLOPs", names=names)
phone_ms = CostModel(compute_time_ms(efficientnet.to_numpy(), devices["phone CPU"]["gflops_per_s"]),
                     unit="ms", names=names)

exits = np.array([0, 0, 1, 0, 1])  # five images: three answered by B0, two escalated to B7
ran = states_run_from_exits(exits, 2)
print("states run (rows: images, columns: B0, B7):\n", ran.astype(int))
print("GFLOPs per image:      ", flop_costs.per_instance(ran))
print("ms per image on phone: ", phone_ms.per_instance(ran))
call_rates = ran.mean(axis=0)
print(f"call rates {call_rates}: mean {flop_costs.mean_cost(call_rates):.2f} GFLOPs, "
      f"{phone_ms.mean_cost(call_rates):.0f} ms per image")

# %% [markdown]
# Here milliseconds are FLOPs divided by a constant, so a cascade that saves half the FLOPs saves
# half the milliseconds. Section 5 shows that *measured* milliseconds do not behave this nicely.
#
# ### Exercise 2.1 — From GFLOPs to milliseconds and joules
# The most expensive ImageNet model in the table is ViT-H/14 at 518 px. How long does one image
# take on the phone CPU and on the cloud GPU of `devices`, and how many joules does the phone
# spend on it? Replace each `...` with a call to `compute_time_ms` or `compute_energy_j`.

# %%
vit_gflops = figures.loc["vit_h_14 IMAGENET1K_SWAG_E2E_V1 (518px)", "cost_gflops"]

vit_phone_ms = ...  # your code
vit_gpu_ms = ...    # your code
vit_phone_j = ...   # your code

# %%
# Self-check: run me after the cell above.
phone, gpu = devices["phone CPU"], devices["cloud GPU"]
expected = {
    "vit_phone_ms": vit_gflops / phone["gflops_per_s"] * 1000,
    "vit_gpu_ms": vit_gflops / gpu["gflops_per_s"] * 1000,
    "vit_phone_j": phone["power_w"] * vit_gflops / phone["gflops_per_s"],
}
answers = {"vit_phone_ms": vit_phone_ms, "vit_gpu_ms": vit_gpu_ms, "vit_phone_j": vit_phone_j}
for name, value in answers.items():
    if value is ...:
        print(f"… {name}: not filled in yet")
    elif np.isclose(value, expected[name], rtol=1e-6):
        print(f"✓ {name} = {value:,.4g}")
    else:
        print(f"✗ {name} = {value!r}; check the device's throughput (GFLOP/s) and its power (W)")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# vit_phone_ms = compute_time_ms(vit_gflops, devices["phone CPU"]["gflops_per_s"])
# vit_gpu_ms = compute_time_ms(vit_gflops, devices["cloud GPU"]["gflops_per_s"])
# vit_phone_j = compute_energy_j(vit_gflops, devices["phone CPU"]["gflops_per_s"],
#                                devices["phone CPU"]["power_w"])
# ```
# Look at the phone's milliseconds: no one waits that long for a photo. That model lives in the
# cloud.
# </details>

# %% [markdown]
# ## 3. Edge to cloud: what an escalation costs
# *Estimated time to here: 22 min*
#
# A phone answers every photo with B0. When it is unsure, it uploads the photo and a big cloud
# model answers instead. An escalation pays the network round trip, the upload, the cloud's time,
# the radio's energy and the cloud's price. `EdgeCloudSetup` holds these numbers (all illustrative
# here: replace them with yours) and prices the two legs in each unit:
# **ms** is the user's wait, **J** is the phone's battery (the cloud's own energy is not counted),
# **\$** is the cloud bill (the phone is already paid for, so its leg costs \$0).

# %%
setup = EdgeCloudSetup(
    edge_gflops=figures.loc["efficientnet_b0", "cost_gflops"],  # B0 on the phone
    device_gflops_per_s=devices["phone CPU"]["gflops_per_s"],
    device_power_w=devices["phone CPU"]["power_w"],
    rtt_ms=60.0,                # mobile network round trip
    payload_bytes=50_000,       # one compressed photo
    bandwidth_mbit_per_s=10.0,  # uplink
    cloud_latency_ms=15.0,      # queue plus the big model on a GPU
    cloud_usd_per_call=0.001,   # a managed vision API at $1 per 1,000 images
    radio_power_w=1.0,          # the radio while it waits for the answer
)
print(f"edge: {setup.edge_ms:.1f} ms and {setup.edge_energy_j:.3f} J per photo")
print(f"network: {setup.network_ms:.1f} ms per escalation (round trip + upload)")
pd.DataFrame({unit: setup.cost_model(unit=unit).per_state() for unit in setup.UNITS},
             index=["edge (every photo)", "escalation (network + cloud)"])

# %% [markdown]
# Every photo runs on the phone; a share $s$ is also escalated. Per photo, on average,
#
# $$ \bar R(s) = R_\text{edge} + s\, R_\text{esc}, $$
#
# which `cost_model(unit=...).mean_cost([1, s])` computes (the phone runs on every photo: call rate
# 1; the cloud on a share $s$). The alternative is to skip the phone and send every photo to the
# cloud, at $R_\text{esc}$ per photo. Trying the phone first stops paying when
#
# $$ R_\text{edge} + s\, R_\text{esc} > R_\text{esc}
#    \iff s > s^\star = 1 - \frac{R_\text{edge}}{R_\text{esc}}. $$
#
# **Predict, then run.** Is the break-even share $s^\star$ the same in ms, in J and in \$? Write
# down which unit you expect to have the *lowest* $s^\star$ (the one that turns against the phone
# first), then run the next two cells.

# %%
break_even = {}
for unit in setup.UNITS:
    edge, escalation = setup.cost_model(unit=unit).per_state()
    break_even[unit] = 1 - edge / escalation
    print(f"{unit:>2}: edge {edge:.4g}, escalation {escalation:.4g} -> "
          f"s* = {break_even[unit]:.2f}")

# %% mystnb={"image": {"alt": "Three panels, in ms, J and dollars per photo: the cost of trying the phone first rises in a straight line with the share of photos escalated to the cloud, and crosses the dashed cloud-only level at a break-even share marked in red, a different share in each unit."}}
shares = np.linspace(0, 1, 101)
scale = {"ms": 1, "J": 1, "$": 1000}  # dollars are shown per 1,000 photos
ylabels = {"ms": "ms per photo", "J": "J per photo (phone)", "$": "$ per 1,000 photos"}
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), layout="constrained")
for ax, unit in zip(axes, setup.UNITS):
    model = setup.cost_model(unit=unit)
    per_photo = np.array([model.mean_cost([1.0, s]) for s in shares]) * scale[unit]
    cloud_only = model.per_state()[1] * scale[unit]
    ax.plot(shares, per_photo, color="tab:blue", label="phone first, escalate a share")
    ax.axhline(cloud_only, color="0.4", ls="--", label="cloud only")
    ax.plot(break_even[unit], cloud_only, "o", color="tab:red", label="break-even $s^\\star$")
    ax.set_xlabel("share of photos escalated, $s$")
    ax.set_ylabel(ylabels[unit])
    ax.set_ylim(0, per_photo.max() * 1.1)
    ax.set_title(f"in {unit}")
    ax.grid(alpha=0.3)
axes[0].legend(fontsize=8, loc="lower right")
fig.suptitle("Cost per photo against the share escalated");

# %% [markdown]
# The three units disagree. In dollars the phone's answers are free, so escalating less always
# pays and $s^\star = 1$. In milliseconds the phone's model is small next to a network round trip,
# so the phone stays worth trying up to a high share. In joules, the break-even comes first in
# this setup: running B0 costs the battery a sizeable fraction of what the radio would spend
# sending the photo off, so a phone that escalates too often would have saved energy by not
# thinking at all. (Compare the three values of $s^\star$ printed above.)
#
# **Think.** The phone moves from the mobile network to Wi-Fi: the round trip and the radio's
# energy fall. Does $s^\star$ go up or down? What does that say about when an edge model is worth
# having?
#
# <details><summary>Our answer</summary>
#
# $s^\star = 1 - R_\text{edge} / R_\text{esc}$ falls when $R_\text{esc}$ falls: a cheaper network
# makes the phone's model *less* attractive, because the alternative it competes with got cheaper.
# An edge model pays off when escalation is expensive (slow network, costly cloud, precious
# battery) **and** it answers most inputs on its own. Try it: rebuild `setup` with
# `rtt_ms=10.0` and `radio_power_w=0.3` and rerun the cells.
# </details>

# %% [markdown]
# ## 4. LLM APIs: dollars per token
# *Estimated time to here: 30 min*
#
# Hosted language models are priced per token, with different prices for the tokens you send
# (input) and the tokens you get back (output), quoted in dollars per million tokens:
#
# $$ \text{dollars per call} = \frac{n_\text{in}\, p_\text{in} + n_\text{out}\, p_\text{out}}{10^6}, $$
#
# with $n$ tokens and $p$ dollars per million tokens.
#
# adaptlab ships a small price table. **It is an illustrative snapshot of public price pages on the
# date in its `date` column, not current prices**: prices change often, so load your own table
# with `load_api_prices(path)` before relying on any bill.

# %%
prices = load_api_prices()
print(prices.loc[0, "source"])
prices[["model", "provider", "input_usd_per_1m_tokens", "output_usd_per_1m_tokens", "date"]]

# %%
input_tokens, output_tokens = 500, 200  # one request: a prompt and an answer
for model in ["gpt-4o-mini", "gpt-4o"]:
    print(f"{model:12s} ${api_call_cost(model, input_tokens, output_tokens):.6f} per request")

api_models = api_cost_model(["gpt-4o-mini", "gpt-4o"], input_tokens, output_tokens)
small_usd, big_usd = api_models.per_state()
requests_per_day = 1_000_000
print(f"\nat {requests_per_day:,} requests per day:")
print(f"  always gpt-4o-mini: ${small_usd * requests_per_day:>9,.0f} per day")
print(f"  always gpt-4o:      ${big_usd * requests_per_day:>9,.0f} per day "
      f"({big_usd / small_usd:.1f} times more)")

# %% [markdown]
# ### Exercise 4.1 — The daily bill of a cascade
# Every request goes to `gpt-4o-mini` first; 20% of them are escalated to `gpt-4o`, and an
# escalated request pays for **both** calls. Compute the cost per request with
# `api_models.mean_cost(call_rates)` (the call rate of a model is the share of requests that call
# it) and the bill for `requests_per_day` requests.

# %%
escalated_share = 0.2

cascade_usd_per_request = ...  # your code
cascade_usd_per_day = ...      # your code

# %%
# Self-check: run me after the cell above.
expected_request = small_usd + escalated_share * big_usd
if cascade_usd_per_request is ... or cascade_usd_per_day is ...:
    print("… not filled in yet")
elif not np.isclose(cascade_usd_per_request, expected_request, rtol=1e-6):
    print(f"✗ cost per request {cascade_usd_per_request!r}: the small model is called on every "
          "request, the big one on the escalated share")
elif not np.isclose(cascade_usd_per_day, expected_request * requests_per_day, rtol=1e-6):
    print("✗ cost per request is right; the daily bill multiplies it by requests_per_day")
else:
    times_cheaper = bounds.r_ratio(big_usd, cascade_usd_per_request)
    print(f"✓ ${cascade_usd_per_day:,.0f} per day, {times_cheaper:.1f} times cheaper than always gpt-4o")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# cascade_usd_per_request = api_models.mean_cost([1.0, escalated_share])
# cascade_usd_per_day = cascade_usd_per_request * requests_per_day
# ```
# Whether the cascade is as *good* as always calling `gpt-4o` depends on **which** 20% you
# escalate: that is the question of the next lectures. And as in Section 3 there is a break-even:
# escalating more than `1 - small_usd / big_usd` of the requests costs more than calling `gpt-4o`
# directly.
# </details>

# %% [markdown]
# ## 5. Measured latency: per-call overhead hides FLOP differences
# *Estimated time to here: 38 min*
#
# Sections 2-3 turned FLOPs into milliseconds with a constant. Now we measure. We generate 6,000
# CIFAR-like images (32×32 pixels, 10 classes), split them into train, validation and test, and
# train the course's scikit-learn family (the one you met in Lecture 0): six models of growing
# cost, from a nearest-centroid classifier to an MLP on PCA features. `train_sklearn_family`
# counts each model's FLOPs per image from its fitted shapes and times it on (up to) 1,000 test
# images in one batch. This takes a few seconds.

# %%
splits = train_val_test_split(make_cifar_like(6_000, seed=0), seed=0)
family = train_sklearn_family(splits, seed=0, progress=False)

flop_ratio = family.costs[-1] / family.costs[0]
print(f"the largest state needs {flop_ratio:.0f} times the FLOPs of the smallest")
pd.DataFrame({"state": family.names, "MFLOPs per image": family.costs})

# %% [markdown]
# **Predict, then run.** Which state is the fastest per image? And how many times slower per image
# is the largest state than the smallest: about the FLOP ratio printed above, or something else?
# Write down both guesses, then run the cell.

# %%
latency_ratio = family.latency_ms[-1] / family.latency_ms[0]
print(f"fastest per image: {family.names[int(np.argmin(family.latency_ms))]}")
print(f"largest / smallest: {flop_ratio:.0f} times the FLOPs, "
      f"{latency_ratio:.1f} times the milliseconds")
pd.DataFrame({"state": family.names, "MFLOPs per image": family.costs,
              "ms per image (measured)": family.latency_ms.round(4)})

# %% [markdown]
# Your latencies differ from your neighbour's, and from your own next run: this is a measurement on
# a shared machine, which is why we never quote it in the text. (If the fastest state printed is
# not the cheapest one, you have just seen this section's point.) The shape of the result is
# stable, though. On a log-log plot, latency proportional to FLOPs would follow the dotted line; the
# measured points lie almost flat.

# %% mystnb={"image": {"alt": "Log-log scatter of measured latency per image against counted MFLOPs for the six scikit-learn states: the points lie almost flat, far from the dotted line where latency would be proportional to FLOPs."}}
fig, ax = plt.subplots(figsize=(8.5, 4.5), layout="constrained")
colors = plt.cm.viridis(np.linspace(0, 0.9, len(family)))
for i, (name, flops, ms) in enumerate(zip(family.names, family.costs, family.latency_ms)):
    ax.plot(flops, ms, "o", color=colors[i], ms=9, label=f"$S_{i + 1}$  {name}")
    ax.annotate(f"$S_{i + 1}$", (flops, ms), textcoords="offset points", xytext=(5, 5))
ax.plot(family.costs, family.latency_ms[0] * family.costs / family.costs[0], ":", color="0.4",
        label="if latency were\nproportional to FLOPs")
ax.set_xscale("log")
ax.set_yscale("log")
for axis in (ax.xaxis, ax.yaxis):  # plain numbers at 1, 2, 5 x powers of ten
    axis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    axis.set_major_formatter(FormatStrFormatter("%g"))
    axis.set_minor_formatter(NullFormatter())
ax.set_xlabel("cost per image (MFLOPs)")
ax.set_ylabel("measured latency per image (ms)")
ax.set_title("Small models: FLOPs vary a lot, latency hardly moves")
ax.grid(alpha=0.3, which="both")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1));

# %% [markdown]
# Why? FLOPs count arithmetic only. Every call to `predict_proba` also pays a **per-call overhead**
# that does not depend on the model's size: Python dispatch through the pipeline's steps, input
# checks, memory allocation, converting the pixels. And every image must be read from memory
# whatever is done with it. For models this small, that fixed part dominates.
#
# A batch shares one call's overhead among its images. To see the overhead alone, fit the cheapest
# state once more (its pipeline comes from `make_sklearn_states`; it trains in a fraction of a
# second) and time it at growing batch sizes with `measure_latency_ms`, which reports the median
# time per image of a call.

# %%
name, cheapest = make_sklearn_states(splits.train.images.shape[1:], seed=0)[0]
print("re-fitting", name, "- the family's cheapest state:", name == family.names[0])
cheapest.fit(splits.train.images.reshape(len(splits.train), -1), splits.train.labels)

test_pixels = splits.test.images.reshape(len(splits.test), -1)
batch_sizes = [1, 3, 10, 30, 100, 300, 1000]
per_image_ms = np.array([measure_latency_ms(cheapest.predict_proba, test_pixels[:size],
                                            repeats=15 if size < 300 else 5)
                         for size in batch_sizes])
print(f"{name}, one image per call:    {per_image_ms[0]:.4f} ms per image")
print(f"{family.names[-1]}, in a batch: {family.latency_ms[-1]:.4f} ms per image")

# %% mystnb={"image": {"alt": "Latency per image of the cheapest state against batch size, both on log axes: it falls steeply as more images share one call, and only at large batches drops below the dashed latency of the largest state."}}
fig, ax = plt.subplots(figsize=(7.5, 4.2), layout="constrained")
ax.plot(batch_sizes, per_image_ms, "o-", color="tab:blue", label=f"{name} (cheapest), measured")
ax.axhline(family.latency_ms[-1], color="tab:red", ls="--",
           label=f"{family.names[-1]} (largest), batch of 1,000")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xticks(batch_sizes, [f"{size:,}" for size in batch_sizes])
ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
ax.yaxis.set_minor_formatter(NullFormatter())
ax.set_xlabel("images per call (batch size)")
ax.set_ylabel("latency per image (ms)")
ax.set_title("Per-call overhead, shared by the images of a batch")
ax.grid(alpha=0.3, which="both")
ax.legend(fontsize=8, loc="upper right");

# %% [markdown]
# One image per call, the *cheapest* model is slower per image than the *largest* model in a batch
# (compare the two lines printed above the figure): the overhead, not the arithmetic, sets the
# latency. `latency_cost_model(predicts, inputs)` measures several states this way at once and
# returns a `CostModel` in ms.
#
# What this means for adaptive inference: a cascade that escalates pays the overhead once per state
# it runs. When models are this small, escalation nearly doubles the wait while the FLOP savings
# never show up on the clock. Savings in FLOPs become savings in milliseconds when the models are
# big enough for compute to dominate (ImageNet networks, language models) or when batching
# amortises the overhead.
#
# **Think.** Your cascade runs behind a web server that answers one request at a time. Which unit
# should you optimise, and would you still keep six states?
#
# <details><summary>Our answer</summary>
#
# Measured milliseconds at batch size 1, the way it will run. With a large fixed cost per call,
# every extra state in a cascade adds a full overhead, so a state must save much more than its own
# overhead to be worth keeping; with these tiny models, one or two states would do. Lecture 7
# comes back to choosing the states.
# </details>

# %% [markdown]
# ## 6. The words of the paper
# *Estimated time to here: 46 min*
#
# The paper (Section 2.1) calls each model an adaptive system can run a **state** $S_i$, and the
# set of them, ordered by cost, the **state space** $\{S_1, \dots, S_N\}$ with
#
# $$ R_1 \le R_2 \le \dots \le R_N \quad \text{(Eq 2)}, \qquad A_1 \le A_2 \le \dots \le A_N
# \quad \text{(Eq 3)}. $$
#
# $R_i$ is the **cost** of state $i$ (in *one* unit: this lecture's point), $A_i$ its **accuracy**.
# An adaptive agent answers each instance with some state; its expected cost per instance is $R$,
# and the paper measures its gain by
#
# $$ R_\text{ratio} = \frac{R_N}{R}: \text{how many times cheaper than always running the largest
# state.} $$
#
# Our trained family is such a state space:

# %%
space = family.state_space()
space.to_frame()

# %% mystnb={"image": {"alt": "The six scikit-learn states as connected points on a cost-accuracy plane, cost in MFLOPs on a log axis: accuracy rises with cost, quickly at first and then slowly."}}
fig, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
ax.plot(space.costs, space.accuracies, "o-", color="0.35")
for name, cost, accuracy in zip(space.names, space.costs, space.accuracies):
    ax.annotate(name, (cost, accuracy), textcoords="offset points", xytext=(6, -10), fontsize=8)
ax.set_xscale("log")
ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
ax.xaxis.set_minor_formatter(NullFormatter())
ax.set_xlim(space.costs[0] / 1.5, space.costs[-1] * 3)
ax.set_ylim(space.accuracies.min() - 0.05, space.accuracies.max() + 0.03)
ax.set_xlabel("cost $R_i$ (MFLOPs per image)")
ax.set_ylabel("test accuracy $A_i$")
ax.set_title("A state space: each state is one model")
ax.grid(alpha=0.3, which="both");

# %% [markdown]
# A first adaptive agent, imagined: answer 80% of the images with the smallest state and send 20%
# to the largest. Its expected cost is $R = 0.8\,R_1 + 0.2\,R_N$; we price it in MFLOPs and in
# measured milliseconds.

# %%
share = np.zeros(len(family))
share[0], share[-1] = 0.8, 0.2
for unit, costs in [("MFLOPs", family.costs), ("ms", family.latency_ms)]:
    mean = CostModel(costs, unit=unit, names=family.names).mean_cost(share)
    print(f"in {unit:>6}: R = {mean:.4g}, R_N = {costs[-1]:.4g}, "
          f"R_ratio = {bounds.r_ratio(costs[-1], mean):.1f}")

# %% [markdown]
# The same routing saves far less in milliseconds than in FLOPs (compare the two values of
# $R_\text{ratio}$). And we
# have not asked whether it is any good: that depends on **which** 20% go to the largest state. A
# perfect router would send exactly the images the small model gets wrong and the large one gets
# right. That perfect router is the paper's **adaptive oracle**, and it is the subject of
# Lecture 2.
#
# ## Recap
# - Training is paid once; inference is paid per request. By the 6-FLOPs-per-parameter-per-token
#   rule, serving overtakes training after about three times the training set's tokens.
# - A cost needs a unit. FLOPs describe the model; ms, J and \$ describe what someone pays, and
#   they depend on the device, the batch, the network and the price list. `adaptlab.costs`
#   converts between them (`convert_flops`, `compute_time_ms`, `compute_energy_j`) and prices
#   routings (`CostModel.per_instance`, `CostModel.mean_cost`).
# - Escalating from edge to cloud has a break-even share $s^\star = 1 - R_\text{edge} /
#   R_\text{esc}$, and it differs by unit (`EdgeCloudSetup`).
# - LLM APIs charge per token; a cascade's bill follows from the call rates (`api_cost_model`).
#   The bundled prices are an illustrative snapshot.
# - For small models, per-call overhead hides FLOP differences: measure latency the way you will
#   serve.
# - The paper's words: states $S_i$ with cost $R_i$ and accuracy $A_i$ form a state space;
#   $R_\text{ratio} = R_N / R$ measures an adaptive agent's gain.
#
# ## What comes next
# [Lecture 2 · The adaptive oracle](02_adaptive_oracle.ipynb): the perfect router, derived step by
# step (Definition 2.1, Eq 4-6), computed instance by instance, and priced as a selector and as a
# cascade.
#
# ## References
# - S. Hor, Y. Qian, M. Pilanci, A. Arbabian. *Adaptive Inference: Theoretical Limits and
#   Unexplored Opportunities.* (Section 1 for the share of inference in cloud workloads, Section
#   2.1 for the state space.)
# - J. Kaplan et al. *Scaling Laws for Neural Language Models.* arXiv:2001.08361, 2020 (training
#   ≈ 6 FLOPs and inference ≈ 2 FLOPs per parameter per token).
# - H. Touvron et al. *Llama 2: Open Foundation and Fine-Tuned Chat Models.* arXiv:2307.09288,
#   2023 (70B parameters, 2 trillion training tokens).
# - M. Tan, Q. Le. *EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks.* ICML
#   2019; FLOPs and accuracies from torchvision's model documentation (the `source` column of
#   `published_figures()`).
# - API prices: the `source` column of `load_api_prices()`.
