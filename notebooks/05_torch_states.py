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
# # 5 · Torch states and early exits
#
# Lecture 4's states were six unrelated scikit-learn models. Real adaptive systems are mostly
# built from neural networks, in one of two ways (the paper's Section 2.1): a **family of
# separate networks** of growing size, as AR-Net switches between EfficientNets, or **one network
# with early exits**, a backbone with a small classifier after each block, where a confident
# image leaves early and a hard one goes on. In this lecture you build both from CNNs, count
# their FLOPs with torch's own counter, and measure what the paper's bounds do not say: a cascade
# of separate networks pays for every network it runs, an early-exit network pays **once**, and
# that saving has a price of its own.
#
# **Objectives.** By the end you can:
# - count the FLOPs of a convolution by hand and check them against torch's
#   `FlopCounterMode` (through `count_forward_flops`);
# - explain why a CNN's latency per image is not proportional to its FLOPs on a CPU;
# - place a CNN family on the cost-accuracy plane, measure its α per state (Eq 6) and compare
#   the exact oracle with the conservative bound (Eq 9);
# - derive the sequential cost of a cascade of separate models and of an early-exit network,
#   and price the exact oracle both ways;
# - measure, rather than assume, what an early-exit network gains and loses against separate
#   networks;
# - find, reuse and clear the disk cache of trained weights.
#
# **Estimated time:** 50 minutes (plus about a minute of training on the very first run).
#
# **Prerequisites:** [Lecture 4 · A state space you train yourself](04_your_state_space.ipynb)
# (correctness matrix, α per state, exact oracle vs bounds, selection vs sequential cost). Maths:
# what a 2-D convolution computes. Python: numpy; no torch experience needed.
#
# **Notation** (as in Lecture 4; costs in MFLOPs, millions of floating-point operations per
# image):
#
# | symbol | meaning | unit |
# |---|---|---|
# | $N$ | number of states (4 CNNs, or 3 exits), ordered by cost | - |
# | $R_i$, $A_i$ | cost of stopping at state $i$ alone, and its test accuracy | MFLOPs per image, fraction |
# | $C_i$ | what a cascade that runs states $1, \dots, i$ in turn and stops at $i$ has paid | MFLOPs per image |
# | $\alpha_i$ | $P(\text{states } 1..i-1 \text{ all wrong} \mid \text{state } i \text{ wrong})$ (Eq 6) | fraction |
# | $R_\text{oracle}$, $A_\text{oracle}$ | the exact oracle's mean selection cost and accuracy | MFLOPs, fraction |
# | $C_\text{oracle}$ | the exact oracle's mean sequential cost: each image pays $C_i$ of the state it exits at | MFLOPs |
# | $C_\text{in}, C_\text{out}, k, H, W$ | a convolution's input and output channels, kernel side, output height and width | - |

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from adaptlab import bounds, plots
from adaptlab.cascade import oracle_frontier
from adaptlab.costs import measure_latency_ms
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.metrics import cost_at_accuracy
from adaptlab.torch_family import (CNN_FAMILY, EARLY_EXIT, ConvNet, ConvNetConfig,
                                   count_forward_flops, default_cache_dir, train_cnn_family,
                                   train_early_exit)

# %% [markdown]
# ## 1. Train once, load afterwards: the disk cache
# *Estimated time to here: 0 min.*
#
# We use the start page's data: 20,000 CIFAR-like images split 60/20/20 (Lecture 4 used 6,000 of
# them; CNNs want more). Two calls build the two state spaces:
#
# - `train_cnn_family` trains four separate CNNs of growing width and depth;
# - `train_early_exit` trains one CNN with a classifier after each of its three blocks.
#
# Training all five networks takes about a minute on a laptop's CPU, with a progress bar per
# network. You pay it once: the trained weights are saved to a **disk cache**, and every later
# call with the same architecture, settings and data loads them in a second. The cache lives in
# `default_cache_dir()`, which is the folder in the environment variable `ADAPTLAB_CACHE` if you
# set it (before starting Jupyter, e.g. `export ADAPTLAB_CACHE=/tmp/adaptlab`), else
# `~/.cache/adaptlab`. The weights are in its `torch` subfolder; the cell after the next one lists
# them.
#
# Then each network is evaluated on the 8,000 validation and test images, its FLOPs are counted
# and its latency measured. That is cached too, next to the weights (the `-eval-` files, keyed
# by the weights and the images evaluated): a warm start reads both and takes about a second.

# %%
data = make_cifar_like(20_000, seed=0)
splits = train_val_test_split(data, seed=0)
started = time.perf_counter()
cnn = train_cnn_family(splits, seed=0)  # four separate CNNs: a progress bar each on a first run
exits = train_early_exit(splits, seed=0)  # one network, three exits
print(f"train {len(splits.train):,} · validation {len(splits.val):,} · test {len(splits.test):,} "
      f"images; the two state spaces were ready in {time.perf_counter() - started:.0f} s")

# %%
cache = default_cache_dir() / "torch"
print(f"the cache: {cache}")
for path in sorted(cache.glob("*")):
    print(f"  {path.name:<56} {path.stat().st_size / 1e3:7.1f} kB")

# %% [markdown]
# Each file's name is the architecture and a hash of everything that shaped its weights: the
# training settings and a fingerprint of the training images. Change the data or the number of
# epochs and you get a new file, never a stale model. To clear the cache, delete the folder
# (`import shutil; shutil.rmtree(cache)`): the next call trains again. A damaged file is trained
# again and overwritten, with a warning.
#
# **Think.** Why is the key a hash of the training *data*, and not just of the architecture and
# the seed?
#
# <details><summary>Our answer</summary>
#
# Because the same architecture and seed trained on other images give other weights. If you
# changed `make_cifar_like(20_000, ...)` to 10,000 images, or its seed, a cache keyed on the
# architecture alone would hand you a model trained on images that are now in your *test* split:
# its test accuracy would be an overestimate, silently. Keying on a fingerprint of the data makes
# that mistake impossible.
# </details>

# %% [markdown]
# ## 2. A CNN state and its FLOPs
# *Estimated time to here: 5 min.*
#
# Every network here is made of the same **block**: a 3×3 convolution (padding 1, so the image
# keeps its size), 2×2 max-pooling (halves height and width), batch norm and ReLU. A
# **head** turns the last feature map into ten class scores: global average pooling, then one
# linear layer. The CNN family has four widths (output channels per block):

# %%
pd.DataFrame({"channels per block": [str(channels) for channels in CNN_FAMILY],
              "cost (MFLOPs)": cnn.costs,
              "validation accuracy": cnn.correct_val.mean(axis=0),
              "test accuracy": cnn.accuracies}, index=list(cnn.names)).round(4)

# %% [markdown]
# Each state's cost is not estimated from a formula in adaptlab: it is **counted by torch**.
# `count_forward_flops(model, one_image)` runs one forward pass under torch's
# `torch.utils.flop_counter.FlopCounterMode`, which records every convolution and matrix
# product and their shapes. FLOPs and latency depend on the architecture, not on the trained
# weights, so an untrained network of the same shape gives the same count:

# %%
one_image = torch.zeros(1, 3, 32, 32)  # a batch of one 32x32 colour image
small = ConvNet(ConvNetConfig(CNN_FAMILY[0]), 3, data.n_classes).eval()  # untrained cnn-4-8
print(small)
print(f"\ntorch counts {count_forward_flops(small, one_image):,} FLOPs per image; "
      f"the family's cost of {cnn.names[0]} is {cnn.costs[0]:.6f} MFLOPs")

# %% [markdown]
# ### Exercise 2.1 — Count one CNN's FLOPs by hand
#
# A convolution with $C_\text{in}$ input channels, $C_\text{out}$ output channels and a
# $k \times k$ kernel computes $C_\text{out} H W$ output values (on an $H \times W$ output), and
# each is a sum of $C_\text{in} k^2$ products, i.e. $C_\text{in} k^2$ multiply-adds of 2 FLOPs:
#
# $$
# \text{FLOPs}_\text{conv}
#   = \underbrace{C_\text{out}\, H\, W}_{\text{output values}}
#     \times \underbrace{C_\text{in}\, k^2}_{\text{multiply-adds each}} \times 2
#   = 2\, C_\text{in} C_\text{out} k^2 H W .
# $$
#
# A linear layer from $d_\text{in}$ to $d_\text{out}$ features is the same sum with
# $H = W = k = 1$: $2\, d_\text{in} d_\text{out}$. Torch's counter counts exactly these and
# nothing else: no biases, batch norm, ReLU or pooling, which cost about one operation per value
# against the convolution's $2 C_\text{in} k^2$.
#
# Fill in the three parts of `cnn-4-8` (printed above): block 1's convolution (3 → 4 channels on
# the 32×32 image), block 2's (4 → 8 channels; block 1's pooling halved the image) and the head's
# linear layer (8 averaged features → 10 classes). Write arithmetic, e.g. `2 * 3 * 4 * ...`.

# %%
flops_conv1 = ...  # 2 * C_in * C_out * k**2 * H * W for block 1
flops_conv2 = ...  # the same for block 2: which H and W does it see?
flops_head = ...   # 2 * d_in * d_out

# %%
# Check: torch's counter, part by part
with torch.no_grad():
    after_block1 = small.blocks[0](one_image)  # 4 channels, 16x16
    after_block2 = small.blocks[1](after_block1)  # 8 channels, 8x8
counted = {"flops_conv1": count_forward_flops(small.blocks[0], one_image),
           "flops_conv2": count_forward_flops(small.blocks[1], after_block1),
           "flops_head": count_forward_flops(small.heads[0], after_block2)}
yours = {"flops_conv1": flops_conv1, "flops_conv2": flops_conv2, "flops_head": flops_head}
if any(value is ... for value in yours.values()):
    print("✗ Not yet: replace the three `...` above by your counts, then run both cells.")
else:
    for name, value in yours.items():
        verdict = "✓" if value == counted[name] else "✗"
        print(f"{verdict} {name}: yours {value:,}, torch counts {counted[name]:,}")
    if yours == counted:
        print(f"✓ In all {sum(counted.values()):,} FLOPs = {cnn.costs[0]:.4f} MFLOPs, the cost of "
              f"{cnn.names[0]}.")
    else:
        print("Hint: block 2 runs on the 16x16 map that block 1's pooling left; the head sees "
              "8 numbers, one per channel, after global average pooling.")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# flops_conv1 = 2 * 3 * 4 * 3**2 * 32 * 32  # 221,184
# flops_conv2 = 2 * 4 * 8 * 3**2 * 16 * 16  # 147,456
# flops_head = 2 * 8 * 10                   # 160
# ```
# The convolution runs *before* the block's pooling, so block 1's sees the full 32×32 image and
# block 2's the 16×16 map. The head is almost free: global average pooling leaves 8 numbers.
# </details>
#
# ### FLOPs are not latency
#
# **Predict, then run.** The largest CNN costs many times the smallest in FLOPs (printed below).
# How many times slower per image will it be on this CPU, for one image at a time (batch 1)? And
# for a batch of 256 images (the family's `latency_ms`)? Write down two guesses.

# %%
latency_batch_1 = []
with torch.no_grad():
    for channels in CNN_FAMILY:  # untrained copies: latency does not depend on the weights
        net = ConvNet(ConvNetConfig(channels), 3, data.n_classes).eval()
        latency_batch_1.append(measure_latency_ms(net, one_image, repeats=30))
speed = pd.DataFrame({"MFLOPs": cnn.costs, "ms per image, batch 1": latency_batch_1,
                      "ms per image, batch 256": cnn.latency_ms}, index=list(cnn.names))
for column in list(speed.columns):
    speed[f"{column.split(',')[-1].strip()} (x smallest)"] = speed[column] / speed[column].iloc[0]
speed.round(3)

# %% [markdown]
# The FLOP ratio is far larger than either latency ratio. On a CPU, running a tiny CNN is
# dominated by what does not grow with FLOPs: Python and torch dispatch a dozen layer calls per
# forward pass, allocate tensors and move memory, whatever the width, and small convolutions do
# not keep the CPU's vector units busy. A batch shares the per-call part among its images, but
# not the rest. Run the cell twice: the latencies move (on a shared machine, by a lot), the FLOPs
# never do.
#
# **Think.** Which unit would you put into the bounds for a phone that classifies one camera
# frame at a time? For a server that batches requests?
#
# <details><summary>Our answer</summary>
#
# The one you pay in, measured the way you serve. The phone serves batch 1: its cost is the
# batch-1 latency (or energy), where the small CNN saves far less than its FLOPs promise, so an
# adaptive system saves less than FLOP-based bounds suggest. The server batches: its cost is
# closer to FLOPs (throughput), as the paper assumes. Lecture 1 made the same point with
# per-call overhead; we keep FLOPs in this lecture because they are deterministic and portable.
# </details>

# %% [markdown]
# ## 3. The CNN family on the cost-accuracy plane
# *Estimated time to here: 15 min.*
#
# Everything of Lecture 4 applies unchanged: a correctness matrix on the test split, α per state,
# the exact oracle and the bounds.
#
# **Predict, then run.** The paper (Section 2.2, Fig 2) expects α near 1 for "backbone
# classifier families with similar network structures": a bigger CNN of the same design should
# get right almost everything a smaller one gets right. Our four CNNs share one design. Will
# their α be closer to 1 than the scikit-learn family's of Lecture 4 (Fig 2 there)?

# %% mystnb={"image": {"alt": "Line of the measured alpha of each CNN after the smallest, on the test split, with a dashed line at the mean alpha."}}
cnn_space = cnn.state_space().pareto()
cnn_correct = cnn.correct_test[:, [cnn.names.index(name) for name in cnn_space.names]]
cnn_alpha = bounds.alphas(cnn_correct)
print(f"the frontier keeps {len(cnn_space)} of {len(cnn)} CNNs; alpha_i:", np.round(cnn_alpha, 3))
plots.alphas_per_state(cnn_alpha, cnn_space.names, title="Measured alpha per CNN, test split");

# %% [markdown]
# The CNNs' α falls with the state index, as the scikit-learn family's did: even networks of one
# design make partly different mistakes, and the more smaller networks there are, the likelier
# one of them is right where a larger one errs. "Similar structure" does not by itself mean
# nested errors; how different the widths are, and the randomness of training, matter too.
#
# Now the exact oracle against the conservative bound, compared fairly at the largest state's
# accuracy $A_N$ (Lecture 3's lesson):

# %%
cnn_exact = bounds.oracle(cnn_correct, cnn_space.costs)
cnn_safe = cnn_space.conservative()
cnn_frontier = oracle_frontier(cnn_correct, cnn_space.costs)
cnn_at_A_N = cost_at_accuracy(cnn_frontier.cost, cnn_frontier.accuracy,
                              target_accuracy=cnn_space.accuracies[-1])
pd.DataFrame(
    [(f"largest CNN ({cnn_space.names[-1]})", cnn_space.accuracies[-1], cnn_space.costs[-1]),
     ("exact oracle (Eq 4-5)", cnn_exact.accuracy, cnn_exact.selection_cost),
     ("exact oracle at A_N", cnn_space.accuracies[-1], cnn_at_A_N),
     ("conservative bound at A_N (Eq 9)", cnn_safe.accuracy, cnn_safe.selection_cost)],
    columns=["", "accuracy", "cost (MFLOPs)"],
).assign(R_ratio=lambda t: cnn_space.costs[-1] / t["cost (MFLOPs)"]).set_index("").round(4)

# %% mystnb={"image": {"alt": "Cost-accuracy plane of the four CNNs, cost in MFLOPs on a log axis, with the exact oracle, its frontier in red and the bounds, all far cheaper than the largest CNN."}}
ax = plots.cost_accuracy_plane(cnn_space, oracle=cnn_exact,
                               title="Four separate CNNs: exact oracle vs bounds")
ax.plot(cnn_frontier.cost, cnn_frontier.accuracy, color="tab:red", lw=1.2,
        label="exact oracle's frontier")
ax.plot(cnn_at_A_N, cnn_space.accuracies[-1], "o", color="tab:red", mfc="white", mew=2, ms=9,
        label="exact oracle at A_N")
ax.set_xlim(right=4 * cnn_space.costs[-1])  # room for the last state's label
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1));

# %% [markdown]
# Read the table and the figure as in Lecture 4: the exact oracle gains accuracy over the largest
# CNN (images it misses and a smaller CNN gets right), and at $A_N$ it is cheaper than the
# conservative bound, as it must be. All of these are **selection** costs: an ideal selector
# sends each image straight to the one network that answers it. A cascade cannot; it runs the
# CNNs cheapest first. Sections 4 and 5 ask what that costs, and whether another kind of state
# space can avoid it.

# %% [markdown]
# ## 4. One network, three exits
# *Estimated time to here: 25 min.*
#
# The early-exit network is one CNN with blocks of 16, 32 and 64 channels and a head after
# **every** block. Exit $k$ runs blocks $1..k$ and heads $1..k$ (a cascade checks every head on
# its way up). Training minimises the sum of the three exits' losses, so the early blocks must
# serve their own head and the later blocks at once. Torch counts each exit's cost on a forward
# pass that stops at that exit:

# %%
ee_net = ConvNet(ConvNetConfig(EARLY_EXIT, early_exit=True), 3, data.n_classes).eval()
with torch.no_grad():
    features = [ee_net.blocks[0](one_image)]
    for block in ee_net.blocks[1:]:
        features.append(block(features[-1]))
block_flops = [count_forward_flops(ee_net.blocks[0], one_image)] + [
    count_forward_flops(block, x) for block, x in zip(ee_net.blocks[1:], features)]
head_flops = [count_forward_flops(head, x) for head, x in zip(ee_net.heads, features)]
pd.DataFrame({"block k (MFLOPs)": np.array(block_flops) / 1e6,
              "head k (MFLOPs)": np.array(head_flops) / 1e6,
              "cost of exit k, counted (MFLOPs)": exits.costs,
              "validation accuracy": exits.correct_val.mean(axis=0),
              "test accuracy": exits.accuracies}, index=list(exits.names)).round(6)

# %% [markdown]
# The cost of exit $k$ is the sum of the first $k$ blocks and heads: check a row. The heads are a
# rounding error next to the blocks here (one linear layer on 16 to 64 averaged features), so
# the heads' FLOPs are not where an early-exit network loses.
#
# **Predict, then run.** The backbone up to exit 3 is *exactly* the architecture of
# `cnn-16-32-64`, trained on the same images with the same settings; the only difference is that
# it also has to feed exits 1 and 2. Which is more accurate on the test split: exit 3 or
# `cnn-16-32-64`? By how much?

# %%
twin = cnn.names.index("cnn-16-32-64")
print(f"cnn-16-32-64: {cnn.costs[twin]:.4f} MFLOPs, test accuracy {cnn.accuracies[twin]:.4f}")
print(f"exit-3:       {exits.costs[-1]:.4f} MFLOPs, test accuracy {exits.accuracies[-1]:.4f} "
      f"({100 * (exits.accuracies[-1] - cnn.accuracies[twin]):+.1f} pp)")
ee_alpha = bounds.alphas(exits.correct_test)
print("alpha_i of the exits:", np.round(ee_alpha, 3), " of the CNNs:", np.round(cnn_alpha, 3))

# %% [markdown]
# **Think.** Explain both differences: why is the shared backbone's last exit less accurate than
# the same network trained alone, and why is the exits' $\alpha_N$ higher than the separate
# CNNs'?
#
# <details><summary>Our answer</summary>
#
# *Accuracy.* The loss pulls the first block in two directions: toward features that exit 1 can
# classify after one block, and toward features that blocks 2 and 3 can build on. With our
# simple recipe (equal weights on the three losses, three epochs) the compromise costs the last
# exit accuracy. Better recipes (weighting the losses, distilling the last exit into the early
# ones) shrink this gap; none makes it free by construction.
#
# *α.* The exits share their features: exit 3 computes on exactly what exit 2 saw, plus a block.
# An image whose early features are poor misleads every exit, so the errors nest more than those
# of separately trained networks, which fail on partly different images. Higher α means fewer
# images that an earlier exit rescues, so a smaller accuracy gain for the oracle (Eq 7:
# $\Delta A = (1 - \alpha_N)(1 - A_N)$).
# </details>

# %% [markdown]
# ## 5. Why early exits pay once
# *Estimated time to here: 33 min.*
#
# A cascade runs states cheapest first and stops at the first one it trusts. What has it paid
# when it stops at state $i$?
#
# **Separate networks.** Each state is a network of its own, and running state $i$ after state
# $i - 1$ reuses nothing: the cascade has paid for every network it ran,
#
# $$C_i = R_1 + R_2 + \dots + R_i \qquad\text{(separate networks).}$$
#
# **Early exits.** Write $b_j$ and $h_j$ for the FLOPs of block $j$ and head $j$. Exit $i$'s
# counted cost already contains everything before it, $R_i = \sum_{j \le i} (b_j + h_j)$; and a
# cascade that stopped at exit $i$ has run blocks $1..i$ and heads $1..i$, each exactly once,
# since going on from exit $j$ to exit $j + 1$ continues from block $j$'s output. So
#
# $$C_i = \sum_{j \le i} (b_j + h_j) = R_i \qquad\text{(early exits).}$$
#
# The oracle answers a share $s_i$ of the images with state $i$; its sequential cost is
# $C_\text{oracle} = \sum_i s_i C_i$ and its selection cost $R_\text{oracle} = \sum_i s_i R_i$.
# Subtracting,
#
# $$
# \begin{aligned}
# C_\text{oracle} - R_\text{oracle}
#   &= \sum_i s_i\,(C_i - R_i) \\
#   &= \sum_i s_i \sum_{j < i} R_j \quad\text{(separate networks: every earlier network, again)} \\
#   &= 0 \quad\text{(early exits).}
# \end{aligned}
# $$
#
# An early-exit network pays for its computation once: whatever an image has computed on its
# way to exit $i$ is part of exit $i$. `Family.sequential_costs` holds the $C_i$: the running sum
# for the CNN family, $R_i$ itself for the exits.

# %%
ee_exact = bounds.oracle(exits.correct_test, exits.costs, sequential_costs=exits.sequential_costs)
pd.DataFrame({"R_i (MFLOPs)": np.concatenate([cnn.costs, exits.costs]),
              "C_i (MFLOPs)": np.concatenate([cnn.sequential_costs, exits.sequential_costs]),
              "oracle's exit share s_i": np.concatenate([
                  bounds.oracle(cnn.correct_test, cnn.costs).exit_share, ee_exact.exit_share])},
             index=list(cnn.names + exits.names)).round(4)

# %% [markdown]
# ### Exercise 5.1 — What if the exits were separate networks?
#
# Suppose three *separate* networks had exactly the exits' costs $R_i$ and the exits' correctness
# (say, three copies of the backbone cut after block 1, 2 and 3, each with its own head). A
# cascade through them would recompute block 1 in every network it runs. Compute the exact
# oracle's sequential cost on them, `separate_cost`, from the oracle's exit shares
# `ee_exact.exit_share` and `exits.costs` (hint: `np.cumsum`).

# %%
separate_cost = ...  # sum over i of s_i * (R_1 + ... + R_i)

# %%
# Check
as_separate = bounds.oracle(exits.correct_test, exits.costs)  # default C_i = R_1 + ... + R_i
if separate_cost is ...:
    print("✗ Not yet: replace `...` by your formula, then run both cells.")
elif np.isclose(separate_cost, as_separate.sequential_cost):
    print(f"✓ {separate_cost:.4f} MFLOPs per image, against {ee_exact.sequential_cost:.4f} for "
          f"the shared backbone: sharing saves {1 - ee_exact.sequential_cost / separate_cost:.0%}.")
elif np.isclose(separate_cost, ee_exact.sequential_cost):
    print("✗ That is what the shared backbone pays (C_i = R_i). Separate networks pay the running "
          "sum: np.cumsum(exits.costs).")
else:
    print(f"✗ You got {separate_cost}; the library says {as_separate.sequential_cost:.4f}. "
          "Weight C_i = R_1 + ... + R_i by the exit shares: ee_exact.exit_share @ np.cumsum(...).")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# separate_cost = ee_exact.exit_share @ np.cumsum(exits.costs)
# ```
# </details>
#
# The bars below price the same exit shares several ways: each bar is $\sum_i s_i \times$ (the
# price of exiting at $i$), one colour per state. The first panel is the CNN family, the second
# the early-exit network, with your "separate networks" bar beside the real one.

# %% mystnb={"image": {"alt": "Two stacked-bar charts of the exact oracle's expected cost, split by exit state: for four separate CNNs, selection is cheaper than a cascade; for one early-exit network, selection and a shared cascade cost the same, and a cascade of separate networks costs more."}}
fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), layout="constrained")
plots.exit_cost_bars(bounds.oracle(cnn.correct_test, cnn.costs).exit_share,
                     {"selection (R_i)": cnn.costs, "cascade (C_i = R_1+...+R_i)":
                      cnn.sequential_costs},
                     names=cnn.names, unit="MFLOPs", ax=top,
                     title="Four separate CNNs: the exact oracle, priced two ways")
plots.exit_cost_bars(ee_exact.exit_share,
                     {"selection (R_i)": exits.costs, "cascade, shared (C_i = R_i)":
                      exits.sequential_costs,
                      "cascade, if separate": bounds.sequential_costs(exits.costs)},
                     names=exits.names, unit="MFLOPs", ax=bottom,
                     title="One early-exit network: the exact oracle, priced three ways");

# %% [markdown]
# **Think.** In the top panel, which images make the cascade's extra cost: the many that stop at
# the first CNN or the few that climb? Would the gap grow or shrink if the first CNN were
# cheaper still?
#
# <details><summary>Our answer</summary>
#
# An image that stops at state 1 pays nothing extra, so the extra comes from the images that
# climb, each paying again for every network below its exit (compare the two bars segment by
# segment: the bottom segment, state 1, is the same in both). A cheaper first CNN shrinks what every climbing image repays, but only by
# $R_1$ each; the few images that climb to the third and fourth CNNs repay the middle networks,
# which cost far more than the first one. Shrinking the gap means fewer climbing images, or
# cheaper states below the top.
# </details>

# %% [markdown]
# ## 6. Do early exits win? Measure, do not assume
# *Estimated time to here: 42 min.*
#
# Early exits pay once, but Section 4 showed they pay in accuracy and α. Which effect wins
# depends on the numbers. Here are the two state spaces side by side, with the exact oracle of
# each priced as a cascade pays (its sequential cost $C_\text{oracle}$):

# %%
rows = {}
for name, family, exact in [("four separate CNNs", cnn, bounds.oracle(cnn.correct_test, cnn.costs)),
                            ("early-exit network", exits, ee_exact)]:
    rows[name] = {"cheapest state R_1 (MFLOPs)": family.costs[0],
                  "A_1": family.accuracies[0],
                  "largest state R_N (MFLOPs)": family.costs[-1],
                  "A_N": family.accuracies[-1],
                  "mean alpha": np.nanmean(bounds.alphas(family.correct_test)[1:]),
                  "A_oracle": exact.accuracy,
                  "R_oracle (MFLOPs)": exact.selection_cost,
                  "C_oracle (MFLOPs)": exact.sequential_cost,
                  "C_oracle / R_oracle": exact.sequential_cost / exact.selection_cost}
pd.DataFrame(rows).round(4)

# %% mystnb={"image": {"alt": "Cost-accuracy plane with the four CNNs, the early exits as green triangles, and each family's exact oracle priced as a cascade."}}
ax = plots.cost_accuracy_plane(cnn_space, oracle=cnn_exact,
                               title="Separate CNNs and early exits, oracles priced as cascades")
ax.plot(exits.costs, exits.accuracies, "^-", color="tab:green", label="early exits (states)")
for name, cost, accuracy in zip(exits.names, exits.costs, exits.accuracies):
    ax.annotate(name, (cost, accuracy), textcoords="offset points", xytext=(4, -11), fontsize=8,
                color="tab:green")
ax.plot(cnn_exact.sequential_cost, cnn_exact.accuracy, "*", color="tab:red", mfc="white", ms=14,
        label="CNN oracle as a cascade (C_oracle)")
ax.plot(ee_exact.sequential_cost, ee_exact.accuracy, "*", color="tab:green", ms=14,
        label="early-exit oracle (C_oracle = R_oracle)")
ax.set_xlim(right=4 * cnn_space.costs[-1])
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1));

# %% [markdown]
# Judge it yourself from the table and the figure, then compare with our reading of this run:
#
# - **The early-exit network pays once** (last column: 1), the CNN cascade pays extra for the
#   networks it reruns.
# - **But its states are worse.** Each exit is less accurate than a CNN of similar cost, its
#   first exit is dearer than the smallest CNN (a 16-channel first block is a heavy first
#   state), and its α's are higher, so its oracle gains less accuracy.
# - **So, on this data, the separate CNNs win even after paying for their cascade:** compare the
#   two stars, hollow red and green, on cost and on accuracy.
#
# This is an honest, and common, result: "early exits pay once" is true and is not the whole
# story. The saving is the difference $\sum_i s_i \sum_{j<i} R_j$ derived above, and it is
# large only when many images climb and the states below are expensive. The price is paid at
# every exit, by every image. Lecture 7 designs state spaces with this trade-off in view.
#
# **Think.** Name two changes that would tilt the comparison toward early exits.
#
# <details><summary>Our answer</summary>
#
# (1) A harder task, or a deeper and costlier backbone, where many images climb to late exits:
# the separate cascade then repays big networks often, and the early-exit network's saving
# grows. (2) A better-trained early-exit network: a cheaper first block, weighted exit losses or
# distillation, closing the accuracy gap of Section 4. Also outside FLOPs: one network instead of
# four fits the memory of a small device, and an image that climbs never waits for a second
# model to load.
# </details>

# %% [markdown]
# ## Recap
# - A CNN state's cost is counted by torch (`count_forward_flops`, a `FlopCounterMode` pass):
#   $2 C_\text{in} C_\text{out} k^2 H W$ per convolution, $2 d_\text{in} d_\text{out}$ per linear
#   layer; biases, batch norm, ReLU and pooling are not counted.
# - FLOPs are not latency: on a CPU, small networks are dominated by per-call overhead, most of
#   all at batch 1; the cost unit of the bounds should be the one you pay in.
# - Trained weights are cached in `default_cache_dir() / "torch"` (`ADAPTLAB_CACHE`), keyed by
#   architecture, settings and data: a notebook trains once, and deleting the folder retrains.
# - The CNN family behaves like Lecture 4's: α falls with the state index, the exact oracle
#   gains accuracy and beats the conservative bound at $A_N$.
# - A cascade of separate networks pays $C_i = R_1 + \dots + R_i$; an early-exit network pays
#   $C_i = R_i$: it pays once, and its oracle's sequential cost equals its selection cost.
# - Sharing a backbone has a price: lower accuracy per exit and higher α. On this data the
#   separate CNNs win even as a cascade: measure, do not assume.
#
# ## What comes next
# - [Lecture 6 · Practical routers vs the bounds](06_routers_vs_bounds.ipynb): the oracle knows
#   which state is right; a router must guess, from confidence, agreement or a learned rule,
#   calibrated on validation and reported on test.
# - Assignment: `exercises/a05_torch_states/a05_torch_states.ipynb`.
#
# ## References
# - S. Hor, Y. Qian, M. Pilanci, A. Arbabian. *Adaptive Inference: Theoretical Limits and
#   Unexplored Opportunities.* Section 2.1 (state spaces of separate backbones or one adaptable
#   network), Section 2.2 (Eq 4-9), Fig 2.
# - S. Laskaridis, A. Kouris, N. D. Lane. *Adaptive Inference through Early-Exit Networks:
#   Design, Challenges and Directions.* EMDL 2021.
# - M. Meng et al. *AR-Net: Adaptive Frame Resolution for Efficient Action Recognition.* ECCV
#   2020 (cited by the paper as a family of separate backbones).
# - PyTorch documentation, `torch.utils.flop_counter.FlopCounterMode`.
