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
# name: a05_torch_states
# init_cell: true
# check_all_cell: true
# export_cell: false
# tests:
#   files: false
#   ok_format: false
# generate: true

# %% [markdown]
# # Assignment 5 · Torch states and early exits
#
# In Lecture 5 you counted a CNN's FLOPs with torch, and found that an early-exit network pays
# for its computation once, where a cascade of separate CNNs pays again for every network it
# runs, and that paying once did not make the early-exit network win. Here you rebuild those
# pieces yourself: the FLOP count of a convolution, the costs of an early-exit network from its
# blocks and heads, the exact oracle priced as a cascade, and the α that decides how much the
# oracle gains. Nothing here trains a network: the networks are tiny and untrained (FLOPs do not
# depend on the weights), and the correctness matrices are simulated stand-ins for the lecture's
# two state spaces, so the notebook runs in seconds.
#
# | question | skill | points |
# |---|---|---|
# | 1 · the FLOPs of a convolution | derive and implement | 3 |
# | 2 · what an early exit costs, and what a cascade has paid | implement | 3 |
# | 3 · the exact oracle, priced as a cascade | implement and measure (Eq 4-5) | 3 |
# | 4 · α_N and the oracle's accuracy gain | measure (Eq 6-7) | 2 |
# | 5 · when early exits do not pay | explain (graded by hand) | 2 |
# | **total** | 11 checked automatically, 2 by hand | **13** |
#
# *Estimated time:* 60-75 minutes. *Prerequisites:* Lectures 2-5 (the oracle, α, selection and
# sequential cost, the CNN family and the early-exit network); numpy boolean arrays.
#
# **How the checks work.** After each answer, run the `grader.check("q1")` cell below it. A
# failing check says what it expected and gives a hint; fix your answer and run both cells again.
# A passing check means your answer is right on the cases shown to you. When the assignment is
# graded, more cases are checked (random layers and matrices, edge cases): test your functions on
# your own cases too. Question 5 is read and graded by hand.
#
# **Rules.** Compute with numpy; use `bounds.oracle`, `bounds.alphas` and
# `bounds.sequential_costs` only to check yourself, not in your answers. Do not assign other
# values to the given arrays (`exit_costs`, `cnn_costs`, `exits_correct`, `cnn_correct`). Run the
# whole notebook top to bottom before you submit (*Run → Run All Cells*), then submit this
# `.ipynb` file.
#
# **Notation** (as in Lecture 5; costs in FLOPs or MFLOPs per image)
#
# | symbol | meaning | in code |
# |---|---|---|
# | $C_\text{in}, C_\text{out}, k$ | a convolution's input and output channels and kernel side | `c_in`, `c_out`, `kernel_size` |
# | $b_j$, $h_j$ | FLOPs of block $j$ and of head $j$ of an early-exit network | `block_flops[j - 1]`, `head_flops[j - 1]` |
# | $R_i$ | cost of state $i$ alone (for an exit: a forward pass to exit $i$) | `costs[i - 1]` |
# | $C_i$ | what a cascade that runs states $1..i$ in turn and stops at $i$ has paid | `stop_costs(costs, ...)` |
# | $s_i$ | share of images the exact oracle answers with state $i$ | `oracle_exit_shares(correct)` |
# | $\alpha_N$ | $P(\text{states } 1..N-1 \text{ all wrong} \mid \text{state } N \text{ wrong})$ (Eq 6) | `bounds.alphas(correct)[-1]` |

# %%
import numpy as np
import pandas as pd
import torch
from torch import nn

from adaptlab import bounds
from adaptlab.simulate import correlated_models
from adaptlab.torch_family import count_forward_flops

# Stand-ins for Lecture 5's two state spaces: the lecture's costs (MFLOPs, rounded) and test
# accuracies, with simulated per-image correctness whose alphas resemble the measured ones.
exit_costs = np.array([0.9, 3.2, 5.6])  # one early-exit network, exits 1-3
cnn_costs = np.array([0.4, 1.6, 5.6, 11.9])  # four separate CNNs
exits_correct = correlated_models([0.50, 0.72, 0.87], n_instances=2000, correlation=0.8,
                                  seed=5).correct
cnn_correct = correlated_models([0.54, 0.87, 0.90, 0.93], n_instances=2000, correlation=0.85,
                                seed=5).correct
pd.DataFrame({"cost (MFLOPs)": np.concatenate([exit_costs, cnn_costs]),
              "accuracy": np.concatenate([exits_correct.mean(axis=0), cnn_correct.mean(axis=0)])},
             index=["exit-1", "exit-2", "exit-3", "cnn-1", "cnn-2", "cnn-3", "cnn-4"])

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 3

# %% [markdown]
# ## Question 1 · Derive and implement: the FLOPs of a convolution (3 points, about 15 minutes)
#
# A `Conv2d` layer slides a $C_\text{in} \times k \times k$ kernel over its input, once per output
# channel and output position. With stride $s$ and padding $p$ (zeros added on every side), an
# input of height $H$ gives an output of height
#
# $$H_\text{out} = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1$$
#
# (the same for the width). Each output value is a sum of $C_\text{in} k^2$ products: that many
# multiply-adds, 2 FLOPs each.
#
# Complete `conv2d_flops(c_in, c_out, kernel_size, height, width, *, stride=1, padding=0)`: the
# FLOPs that torch's counter (`count_forward_flops`) records for one image through such a layer.
# First find out with the cell below whether the counter counts the layer's bias: it adds one
# number to each output value.

# %%
# Try it: the same layer with and without its bias, counted by torch.
one_image = torch.zeros(1, 3, 8, 8)
print("with bias:   ", count_forward_flops(nn.Conv2d(3, 2, 3, bias=True), one_image))
print("without bias:", count_forward_flops(nn.Conv2d(3, 2, 3, bias=False), one_image))

# %% [raw]
# # BEGIN SOLUTION

# %%
def conv2d_flops(c_in, c_out, kernel_size, height, width, *, stride=1, padding=0):
    """FLOPs of one image through a Conv2d layer, as torch's FlopCounterMode counts them."""
    # BEGIN SOLUTION
    sizes_out = [(size + 2 * padding - kernel_size) // stride + 1 for size in (height, width)]
    return 2 * c_in * c_out * kernel_size**2 * sizes_out[0] * sizes_out[1]
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print(conv2d_flops(3, 4, 3, 32, 32, padding=1))  # block 1 of Lecture 5's cnn-4-8

# %% [raw]
# # BEGIN TESTS

# %%
def test_q1_worked_example(conv2d_flops):
    import numpy as np
    assert callable(conv2d_flops), "conv2d_flops is not defined: run the cell that defines it."
    got = conv2d_flops(3, 4, 3, 32, 32, padding=1)
    message = "conv2d_flops returned None: did you forget to return the count?"
    assert got is not None, message
    message = f"conv2d_flops should return a number, got {got!r}."
    assert isinstance(got, (int, float, np.integer, np.floating)), message
    hints = {
        110_592: "That is half: each multiply-add is 2 FLOPs (a multiplication and an addition).",
        73_728: "A k x k kernel has k**2 weights per input channel: square the kernel size.",
        194_400: "You left out the padding: with p = 1 a 3x3 kernel keeps the 32x32 size "
                 "(H_out = (H + 2p - k) // s + 1).",
        225_280: "Torch's counter does not count the bias (see the 'Try it' cell): leave out "
                 "the C_out * H_out * W_out additions.",
    }
    message = (
        "Block 1 of cnn-4-8 (3 -> 4 channels, 3x3 kernel, padding 1, on a 32x32 image) costs "
        "2 * 3 * 4 * 3**2 * 32 * 32 = 221,184 FLOPs, as torch counts. You returned "
        f"{got:,}. " + hints.get(got, "")
    )
    assert got == 221_184, message


# %%
def test_q1_stride_and_a_rectangle(conv2d_flops):
    import numpy as np
    import torch
    from torch import nn
    from adaptlab.torch_family import count_forward_flops
    assert callable(conv2d_flops), "conv2d_flops is not defined: run the cell that defines it."
    want = count_forward_flops(nn.Conv2d(3, 8, 3, stride=2, padding=1), torch.zeros(1, 3, 32, 20))
    got = conv2d_flops(3, 8, 3, 32, 20, stride=2, padding=1)
    message = f"conv2d_flops should return a number, got {got!r}: see the first check of question 1."
    assert isinstance(got, (int, float, np.integer, np.floating)), message
    hints = {
        276_480: "You left out the stride: stride 2 halves the output's height and width.",
        74_844: "The output size must be a whole number of positions: use floor division, "
                "(H + 2p - k) // s + 1, not /.",
        110_592: "Height and width differ here (32 x 20): you used the height for both.",
        43_200: "Height and width differ here (32 x 20): you used the width for both.",
    }
    message = (
        f"3 -> 8 channels, 3x3 kernel, stride 2, padding 1, on a 32x20 image: the output is "
        f"16x10 and torch counts {want:,} FLOPs. You returned {got:,}. " + hints.get(got, "")
    )
    assert got == want, message


# %%
# HIDDEN
def test_q1_random_layers_against_torch(conv2d_flops):
    import numpy as np
    import torch
    from torch import nn
    from adaptlab.torch_family import count_forward_flops
    assert callable(conv2d_flops), "conv2d_flops is not defined."
    rng = np.random.default_rng(11)
    for _ in range(12):
        c_in, c_out = (int(v) for v in rng.integers(1, 9, 2))
        kernel_size = int(rng.choice([1, 3, 5, 7]))
        stride, padding = int(rng.integers(1, 4)), int(rng.integers(0, 4))
        height, width = (int(v) for v in rng.integers(kernel_size, 24, 2))
        layer = nn.Conv2d(c_in, c_out, kernel_size, stride=stride, padding=padding,
                          bias=bool(rng.integers(2)))
        want = count_forward_flops(layer, torch.zeros(1, c_in, height, width))
        got = conv2d_flops(c_in, c_out, kernel_size, height, width, stride=stride,
                           padding=padding)
        message = (
            f"conv2d_flops({c_in}, {c_out}, {kernel_size}, {height}, {width}, stride={stride}, "
            f"padding={padding}) should be {want:,} (torch's count), got {got!r}."
        )
        assert got == want, message


# %%
# HIDDEN
def test_q1_edge_cases(conv2d_flops):
    assert callable(conv2d_flops), "conv2d_flops is not defined."
    cases = {
        "a 1x1 convolution": ((16, 32, 1, 8, 8), {}, 2 * 16 * 32 * 64),
        "a kernel as large as the image: one output": ((4, 2, 5, 5, 5), {}, 2 * 4 * 2 * 25),
        "stride larger than the kernel": ((1, 1, 1, 9, 9), {"stride": 4}, 2 * 9),
        "padding without stride": ((2, 3, 3, 6, 6), {"padding": 2}, 2 * 2 * 3 * 9 * 64),
    }
    for name, (args, kwargs, want) in cases.items():
        got = conv2d_flops(*args, **kwargs)
        message = f"Case '{name}' conv2d_flops{args} {kwargs}: expected {want:,}, got {got!r}."
        assert got == want, message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# ## Question 2 · Implement: what an exit costs, and what a cascade has paid (3 points, about 15 minutes)
#
# An early-exit network has blocks of $b_1, \dots, b_N$ FLOPs and a head after each block, of
# $h_1, \dots, h_N$ FLOPs. Its exit $i$ is counted, as in the library, on a forward pass that
# stops at exit $i$ and computes every head on the way (a cascade checks each exit before going
# on).
#
# 1. Complete `early_exit_costs(block_flops, head_flops)`: the array of $R_i$, the cost of exit
#    $i$, for $i = 1..N$.
# 2. Complete `stop_costs(costs, shared_backbone)`: the array of $C_i$, what a cascade that runs
#    the states in order and stops at state $i$ has paid. With `shared_backbone=True` the states
#    are the exits of one network, whose costs `costs` come from `early_exit_costs`; with
#    `shared_backbone=False` they are separate networks. Lecture 5, Section 5, derives both.
#
# Return float arrays and do not modify the arrays you are given.

# %% [raw]
# # BEGIN SOLUTION

# %%
def early_exit_costs(block_flops, head_flops):
    """R_i: the FLOPs of a forward pass that stops at exit i (blocks and heads 1..i)."""
    block_flops = np.asarray(block_flops, dtype=float)
    head_flops = np.asarray(head_flops, dtype=float)
    return np.cumsum(block_flops) + np.cumsum(head_flops)  # SOLUTION


def stop_costs(costs, shared_backbone):
    """C_i: what a cascade that runs states 1..i in turn and stops at state i has paid."""
    costs = np.asarray(costs, dtype=float)
    # BEGIN SOLUTION
    if shared_backbone:  # exit i's cost already holds every block and head before it
        return costs.copy()
    return np.cumsum(costs)  # separate networks: every network run, paid in full
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %%
print("R_i:", early_exit_costs([1.0, 3.0, 4.0], [0.5, 0.5, 1.0]))
print("C_i, shared backbone:   ", stop_costs([1.5, 5.0, 10.0], True))
print("C_i, separate networks: ", stop_costs([1.5, 5.0, 10.0], False))

# %% [raw]
# # BEGIN TESTS

# %%
def test_q2_early_exit_costs_worked_example(early_exit_costs):
    import numpy as np
    assert callable(early_exit_costs), ("early_exit_costs is not defined: run the cell that "
                                        "defines it.")
    got = early_exit_costs([1.0, 3.0, 4.0], [0.5, 0.5, 1.0])
    message = "early_exit_costs returned None: did you forget the `return` line?"
    assert got is not None, message
    got = np.asarray(got, dtype=float)
    hints = {
        (1.5, 4.5, 9.0): "You added only exit i's own head; the forward pass to exit i computes "
                         "heads 1..i (np.cumsum of the heads too).",
        (1.5, 3.5, 5.0): "Exit i runs blocks 1..i, not block i alone: add up the blocks "
                         "(np.cumsum).",
        (1.0, 4.0, 8.0): "You left out the heads: exit i also runs heads 1..i.",
    }
    message = (
        "Blocks [1, 3, 4] and heads [0.5, 0.5, 1]: exit 1 costs 1 + 0.5 = 1.5, exit 2 "
        "1 + 3 + 0.5 + 0.5 = 5, exit 3 (1 + 3 + 4) + (0.5 + 0.5 + 1) = 10. You returned "
        f"{got.round(6).tolist()}. "
        + next((h for v, h in hints.items() if got.shape == (3,) and np.allclose(got, v)), "")
    )
    assert got.shape == (3,) and np.allclose(got, [1.5, 5.0, 10.0]), message


# %%
def test_q2_stop_costs_worked_example(stop_costs):
    import numpy as np
    assert callable(stop_costs), "stop_costs is not defined: run the cell that defines it."
    costs = [1.5, 5.0, 10.0]
    for shared, want, hints in [
        (True, [1.5, 5.0, 10.0],
         {(1.5, 6.5, 16.5): "That is what separate networks pay. The exits share their "
                            "backbone: exit i's cost already includes everything before it."}),
        (False, [1.5, 6.5, 16.5],
         {(1.5, 5.0, 10.0): "That is each state's own cost (the selection cost). Separate "
                            "networks reuse nothing: stopping at i has paid R_1 + ... + R_i.",
          (0.0, 1.5, 6.5): "You left out the state's own cost: the cascade ran state i too."}),
    ]:
        got = stop_costs(costs, shared)
        message = "stop_costs returned None: did you forget a `return` line?"
        assert got is not None, message
        got = np.asarray(got, dtype=float)
        message = (
            f"stop_costs({costs}, shared_backbone={shared}) should be {want}; you returned "
            f"{got.round(6).tolist()}. "
            + next((h for v, h in hints.items() if got.shape == (3,) and np.allclose(got, v)),
                   "")
        )
        assert got.shape == (3,) and np.allclose(got, want), message


# %%
def test_q2_a_real_early_exit_network(early_exit_costs):
    from functools import partial
    import numpy as np
    import torch
    from adaptlab.torch_family import ConvNet, ConvNetConfig, count_forward_flops
    assert callable(early_exit_costs), "early_exit_costs is not defined."
    net = ConvNet(ConvNetConfig((2, 3, 4), early_exit=True), 3, 5).eval()
    x = torch.zeros(1, 3, 8, 8)
    block_flops, head_flops = [], []
    with torch.no_grad():
        for block, head in zip(net.blocks, net.heads):
            block_flops.append(count_forward_flops(block, x))
            x = block(x)
            head_flops.append(count_forward_flops(head, x))
    want = [count_forward_flops(partial(net, n_exits=k), torch.zeros(1, 3, 8, 8))
            for k in (1, 2, 3)]
    got = early_exit_costs(block_flops, head_flops)
    assert got is not None, "early_exit_costs returned None."
    got = np.asarray(got, dtype=float)
    message = (
        f"A tiny untrained early-exit network (blocks of 2, 3, 4 channels on 8x8 images) has "
        f"blocks of {block_flops} and heads of {head_flops} FLOPs; torch counts its exits at "
        f"{want} FLOPs. Your early_exit_costs gives {got.tolist()}. Pass the worked example "
        "first."
    )
    assert got.shape == (3,) and np.allclose(got, want), message


# %%
# HIDDEN
def test_q2_random_against_the_library(early_exit_costs, stop_costs):
    import numpy as np
    from adaptlab import bounds
    assert callable(early_exit_costs) and callable(stop_costs), "a function is not defined."
    rng = np.random.default_rng(12)
    for n_states in [1, 2, 5, 8]:
        blocks, heads = rng.uniform(0.1, 5, n_states), rng.uniform(0, 0.2, n_states)
        before = (blocks.copy(), heads.copy())
        costs = np.cumsum(blocks) + np.cumsum(heads)
        got = np.asarray(early_exit_costs(blocks, heads), dtype=float)
        message = f"early_exit_costs({blocks.round(3)}, {heads.round(3)}) should be {costs}, got {got}."
        assert got.shape == costs.shape and np.allclose(got, costs), message
        assert np.array_equal(blocks, before[0]) and np.array_equal(heads, before[1]), (
            "early_exit_costs changed its input.")
        shared = np.asarray(stop_costs(costs, True), dtype=float)
        separate = np.asarray(stop_costs(costs, False), dtype=float)
        message = f"stop_costs({costs}, True) should be {costs}, got {shared}."
        assert shared.shape == costs.shape and np.allclose(shared, costs), message
        want = bounds.sequential_costs(costs)
        message = f"stop_costs({costs}, False) should be {want}, got {separate}."
        assert separate.shape == want.shape and np.allclose(separate, want), message


# %%
# HIDDEN
def test_q2_lists_of_integers_and_no_side_effects(early_exit_costs, stop_costs):
    import numpy as np
    assert callable(early_exit_costs) and callable(stop_costs), "a function is not defined."
    got = np.asarray(early_exit_costs([2, 2], [1, 1]), dtype=float)
    assert np.allclose(got, [3.0, 6.0]), f"early_exit_costs([2, 2], [1, 1]) should be [3, 6], got {got}."
    costs = np.array([1.0, 2.0, 4.0])
    shared = stop_costs(costs, True)
    shared[0] = 99.0  # changing the result must not change the input
    assert costs[0] == 1.0, "stop_costs(costs, True) returned the input array itself: return a copy."
    got = np.asarray(stop_costs([1, 2, 4], False), dtype=float)
    assert np.allclose(got, [1.0, 3.0, 7.0]), f"stop_costs([1, 2, 4], False) should be [1, 3, 7], got {got}."


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 3

# %% [markdown]
# ## Question 3 · Implement and measure: the exact oracle, priced as a cascade (3 points, about 15 minutes)
#
# The exact oracle (Eq 4) answers each image with the cheapest state that gets it right, and
# with state 1 when no state does. Its share $s_i$ of images answered by state $i$ prices it any
# way you like: $\sum_i s_i R_i$ is its selection cost $R_\text{oracle}$, and
# $\sum_i s_i C_i$ what a cascade that stops where the oracle stops pays, $C_\text{oracle}$.
#
# 1. Complete `oracle_exit_shares(correct)`: for an (n, N) correctness matrix, the array of the
#    $N$ shares $s_i$ (they sum to 1).
# 2. Measure on the stand-ins (at the top of the notebook), one line each:
#    * `exit_shares` and `cnn_shares`: the oracle's shares on `exits_correct` and `cnn_correct`;
#    * `C_exits`: the early-exit network's $C_\text{oracle}$ (with `exit_costs`);
#    * `C_exits_if_separate`: what the same shares would cost if the three exits were separate
#      networks with the same costs;
#    * `C_cnns`: the four separate CNNs' $C_\text{oracle}$ (with `cnn_costs`).

# %% [raw]
# # BEGIN SOLUTION

# %%
def oracle_exit_shares(correct):
    """s_i: the share of instances the exact oracle answers with state i (Eq 4)."""
    correct = np.asarray(correct, dtype=bool)
    # BEGIN SOLUTION
    choice = correct.argmax(axis=1)  # the first True: the cheapest right state; 0 if none (Eq 4)
    return np.bincount(choice, minlength=correct.shape[1]) / len(correct)
    # END SOLUTION


# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN SOLUTION

# %%
exit_shares = oracle_exit_shares(exits_correct)  # SOLUTION
cnn_shares = oracle_exit_shares(cnn_correct)  # SOLUTION
C_exits = exit_shares @ exit_costs  # SOLUTION
C_exits_if_separate = exit_shares @ np.cumsum(exit_costs)  # SOLUTION
C_cnns = cnn_shares @ np.cumsum(cnn_costs)  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("exit shares:", exit_shares, "  CNN shares:", cnn_shares)
print("C_oracle of the early exits:", C_exits, "  if separate:", C_exits_if_separate)
print("C_oracle of the four CNNs:  ", C_cnns)

# %% [raw]
# # BEGIN TESTS

# %%
def test_q3_worked_example(oracle_exit_shares):
    import numpy as np
    assert callable(oracle_exit_shares), ("oracle_exit_shares is not defined: run the cell that "
                                          "defines it.")
    correct = np.array([[1, 1, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0], [1, 0, 0], [0, 1, 0]],
                       dtype=bool)
    got = oracle_exit_shares(correct)
    message = "oracle_exit_shares returned None: did you forget the `return` line?"
    assert got is not None, message
    got = np.asarray(got, dtype=float)
    hints = {
        (2 / 6, 2 / 6, 2 / 6): "Row 4 is wrong in every state: the oracle still answers, with "
                               "state 1, the cheapest (Eq 4: 'R_1 otherwise').",
        (1 / 6, 1 / 6, 4 / 6): "You picked the most expensive right state; the oracle picks the "
                               "cheapest one (the first True in the row).",
        (3, 2, 1): "Those are counts: divide by the number of images to get shares.",
        (1, 2 / 3, 1 / 3): "Divide the counts by the number of images (rows), not of states.",
    }
    message = (
        "On the six images [[1,1,1], [0,1,1], [0,0,1], [0,0,0], [1,0,0], [0,1,0]] the oracle picks "
        "states 1, 2, 3, 1, 1, 2: shares [3/6, 2/6, 1/6]. You returned "
        f"{got.round(4).tolist()}. "
        + next((h for v, h in hints.items() if got.shape == (3,) and np.allclose(got, v)), "")
    )
    assert got.shape == (3,) and np.allclose(got, [3 / 6, 2 / 6, 1 / 6]), message


# %%
def test_q3_a_state_never_chosen(oracle_exit_shares):
    import numpy as np
    assert callable(oracle_exit_shares), "oracle_exit_shares is not defined."
    got = oracle_exit_shares(np.array([[1, 1], [1, 0]], dtype=bool))
    assert got is not None, "oracle_exit_shares returned None."
    got = np.asarray(got, dtype=float)
    message = (
        "When state 1 is right on every image the shares are [1, 0]: one share per state, even "
        f"for a state the oracle never uses. You returned {got.tolist()}. "
        + ("Use np.bincount(..., minlength=number of states)." if got.shape == (1,) else "")
    )
    assert got.shape == (2,) and np.allclose(got, [1.0, 0.0]), message


# %%
def test_q3_the_stand_ins(exit_shares, cnn_shares, C_exits, C_exits_if_separate, C_cnns):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.simulate import correlated_models
    exits = correlated_models([0.50, 0.72, 0.87], n_instances=2000, correlation=0.8, seed=5).correct
    cnns = correlated_models([0.54, 0.87, 0.90, 0.93], n_instances=2000, correlation=0.85,
                             seed=5).correct
    exit_costs, cnn_costs = np.array([0.9, 3.2, 5.6]), np.array([0.4, 1.6, 5.6, 11.9])
    shared = bounds.oracle(exits, exit_costs, sequential_costs=exit_costs)
    separate = bounds.oracle(exits, exit_costs)
    cnn = bounds.oracle(cnns, cnn_costs)
    values = {"exit_shares": exit_shares, "cnn_shares": cnn_shares, "C_exits": C_exits,
              "C_exits_if_separate": C_exits_if_separate, "C_cnns": C_cnns}
    for name, value in values.items():
        message = f"{name} is still the placeholder `...` (or not defined): measure it."
        assert value is not None and value is not ..., message
    for name, value, want in [("exit_shares", exit_shares, shared.exit_share),
                              ("cnn_shares", cnn_shares, cnn.exit_share)]:
        value = np.asarray(value, dtype=float)
        message = (f"{name} should be {np.round(want, 4).tolist()}, yours is "
                   f"{np.round(value, 4).tolist()}. Pass the worked example first.")
        assert value.shape == want.shape and np.allclose(value, want), message
    for name, value, want, hints in [
        ("C_exits", C_exits, shared.sequential_cost,
         {separate.sequential_cost: "That is what separate networks would pay: the exits share "
                                    "their backbone, so C_i = R_i."}),
        ("C_exits_if_separate", C_exits_if_separate, separate.sequential_cost,
         {shared.selection_cost: "That is the selection cost: separate networks would pay "
                                 "C_i = R_1 + ... + R_i (np.cumsum)."}),
        ("C_cnns", C_cnns, cnn.sequential_cost,
         {cnn.selection_cost: "That is the CNNs' selection cost: a cascade of separate CNNs pays "
                              "C_i = R_1 + ... + R_i.",
          float(np.sum(cnn_costs)): "Every image paid for all four CNNs: a cascade stops at the "
                                    "state the oracle picks."}),
    ]:
        message = f"{name} is an array; it should be one number (sum over the states)."
        assert np.ndim(value) == 0, message
        message = (
            f"{name} should be {want:.4f} MFLOPs per image; yours is {float(value):.4f}. "
            + next((h for v, h in hints.items() if np.isclose(float(value), v)), "")
        )
        assert np.isclose(float(value), want), message


# %%
# HIDDEN
def test_q3_random_against_the_library(oracle_exit_shares):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.simulate import correlated_models
    assert callable(oracle_exit_shares), "oracle_exit_shares is not defined."
    for seed, accuracies in enumerate([[0.3, 0.6], [0.5, 0.6, 0.7, 0.9], [0.2, 0.4, 0.5, 0.6, 0.9]]):
        correct = correlated_models(accuracies, n_instances=500, correlation=0.5, seed=seed).correct
        before = correct.copy()
        want = bounds.oracle(correct, np.arange(1.0, len(accuracies) + 1)).exit_share
        got = np.asarray(oracle_exit_shares(correct), dtype=float)
        message = f"On a random matrix (seed {seed}) the shares are {want.round(4)}, got {got.round(4)}."
        assert got.shape == want.shape and np.allclose(got, want), message
        assert np.array_equal(correct, before), "oracle_exit_shares changed its input."


# %%
# HIDDEN
def test_q3_edge_cases(oracle_exit_shares):
    import numpy as np
    assert callable(oracle_exit_shares), "oracle_exit_shares is not defined."
    cases = {
        "no state ever right: all to state 1": (np.zeros((4, 3), dtype=bool), [1, 0, 0]),
        "every state right: all to state 1": (np.ones((4, 3), dtype=bool), [1, 0, 0]),
        "one state": (np.array([[1], [0]], dtype=bool), [1]),
        "int 0/1 input": (np.array([[0, 1], [0, 1], [1, 0], [0, 0]]), [0.5, 0.5]),
    }
    for name, (correct, want) in cases.items():
        got = np.asarray(oracle_exit_shares(correct), dtype=float)
        message = f"Case '{name}': expected {want}, got {got.tolist()}."
        assert got.shape == (len(want),) and np.allclose(got, want), message


# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 2

# %% [markdown]
# ## Question 4 · Measure: α_N and the oracle's accuracy gain (2 points, about 10 minutes)
#
# Lecture 5 found the exits' α higher than the separate CNNs': a shared backbone makes errors
# nest. Eq 7 turns $\alpha_N$ into the oracle's accuracy gain over the largest state,
# $\Delta A = A_\text{oracle} - A_N = (1 - \alpha_N)(1 - A_N)$. Measure, on each stand-in, by
# counting with numpy:
#
# * `alpha_N_exits`, `alpha_N_cnns`: $\alpha_N$, the share of the images the largest state gets
#   wrong that *every* state gets wrong;
# * `gain_exits`, `gain_cnns`: $\Delta A$ measured directly, the share of images some state gets
#   right minus the largest state's accuracy, as a fraction (not in percentage points).
#
# The cell after yours prints Eq 7's prediction beside your gains.

# %% [raw]
# # BEGIN SOLUTION

# %%
alpha_N_exits = (~exits_correct).all(axis=1).sum() / (~exits_correct[:, -1]).sum()  # SOLUTION
alpha_N_cnns = (~cnn_correct).all(axis=1).sum() / (~cnn_correct[:, -1]).sum()  # SOLUTION
gain_exits = exits_correct.any(axis=1).mean() - exits_correct[:, -1].mean()  # SOLUTION
gain_cnns = cnn_correct.any(axis=1).mean() - cnn_correct[:, -1].mean()  # SOLUTION

# %% [raw]
# # END SOLUTION

# %%
print("alpha_N:", alpha_N_exits, "(exits)", alpha_N_cnns, "(CNNs)")
print("your gains:", gain_exits, "(exits)", gain_cnns, "(CNNs)")
print("Eq 7, (1 - alpha_N)(1 - A_N) with the library's alpha_N:",
      [(1 - bounds.alphas(c)[-1]) * (1 - c[:, -1].mean()) for c in (exits_correct, cnn_correct)])

# %% [raw]
# # BEGIN TESTS

# %%
def test_q4_the_stand_ins(alpha_N_exits, alpha_N_cnns, gain_exits, gain_cnns):
    import numpy as np
    from adaptlab import bounds
    from adaptlab.simulate import correlated_models
    matrices = {
        "exits": correlated_models([0.50, 0.72, 0.87], n_instances=2000, correlation=0.8,
                                   seed=5).correct,
        "cnns": correlated_models([0.54, 0.87, 0.90, 0.93], n_instances=2000, correlation=0.85,
                                  seed=5).correct,
    }
    answers = {"exits": (alpha_N_exits, gain_exits), "cnns": (alpha_N_cnns, gain_cnns)}
    for family, correct in matrices.items():
        alpha, gain = answers[family]
        for name, value in [(f"alpha_N_{family}", alpha), (f"gain_{family}", gain)]:
            message = f"{name} is still the placeholder `...` (or not defined): measure it."
            assert value is not None and value is not ..., message
        wrong = ~correct
        want = bounds.alphas(correct)[-1]
        hints = {
            wrong.all(axis=1).sum() / wrong[:, :-1].all(axis=1).sum():
                "That is P(largest wrong | all smaller wrong): divide by the number of images "
                "the LARGEST state gets wrong.",
            (wrong[:, -2] & wrong[:, -1]).sum() / wrong[:, -1].sum():
                "You counted images the last two states get wrong: alpha_N needs ALL states wrong.",
            wrong.all(axis=1).mean():
                "That is the share of all images that every state gets wrong: divide by the images "
                "the largest state gets wrong instead.",
        }
        message = (
            f"alpha_N_{family} should be {want:.4f}; yours is {float(alpha):.4f}. "
            + next((h for v, h in hints.items() if np.isclose(float(alpha), v)), "")
        )
        assert np.isclose(float(alpha), want), message
        A_N = correct[:, -1].mean()
        want = correct.any(axis=1).mean() - A_N
        hints = {
            100 * want: "That is in percentage points: give a fraction.",
            correct.any(axis=1).mean() - correct[:, 0].mean():
                "That is the gain over the smallest state: subtract A_N, the largest state's "
                "accuracy.",
            correct.any(axis=1).mean(): "That is A_oracle itself: subtract A_N.",
        }
        message = (
            f"gain_{family} should be {want:.4f} (A_oracle {want + A_N:.4f} - A_N {A_N:.4f}); "
            f"yours is {float(gain):.4f}. "
            + next((h for v, h in hints.items() if np.isclose(float(gain), v)), "")
        )
        assert np.isclose(float(gain), want), message


# %%
# HIDDEN
def test_q4_gain_matches_eq7(alpha_N_exits, alpha_N_cnns, gain_exits, gain_cnns):
    import numpy as np
    from adaptlab.simulate import correlated_models
    for accuracies, correlation, alpha, gain in [
            ([0.50, 0.72, 0.87], 0.8, alpha_N_exits, gain_exits),
            ([0.54, 0.87, 0.90, 0.93], 0.85, alpha_N_cnns, gain_cnns)]:
        correct = correlated_models(accuracies, n_instances=2000, correlation=correlation,
                                    seed=5).correct
        A_N = correct[:, -1].mean()
        message = f"Eq 7: (1 - {alpha}) (1 - {A_N}) should equal your gain {gain}."
        assert np.isclose((1 - float(alpha)) * (1 - A_N), float(gain)), message


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
# ## Question 5 · Explain: when early exits do not pay (2 points, about 10 minutes)
#
# Run the cell below (it uses the library, not your answers), then answer in 4-6 sentences,
# quoting the printed numbers:
#
# 1. The early-exit network pays once. How much does that save its oracle against the same
#    exits run as separate networks (question 3)?
# 2. Which of the two state spaces has the cheaper oracle *as a cascade*, and the more accurate
#    one? Name the two properties of the early-exit stand-in that make it lose, with numbers.
# 3. Name one change to the early-exit network (or to the task) that would make it win, and say
#    which term of $C_\text{oracle} - R_\text{oracle} = \sum_i s_i \sum_{j<i} R_j$ it plays on,
#    or why it plays on none.

# %%
rows = {}
for name, correct, costs, stops in [
        ("early exits", exits_correct, exit_costs, exit_costs),
        ("exits as separate networks", exits_correct, exit_costs, np.cumsum(exit_costs)),
        ("four separate CNNs", cnn_correct, cnn_costs, np.cumsum(cnn_costs))]:
    exact = bounds.oracle(correct, costs, sequential_costs=stops)
    rows[name] = {"R_1 (MFLOPs)": costs[0], "A_N": exact.largest_accuracy,
                  "alpha_N": bounds.alphas(correct)[-1], "A_oracle": exact.accuracy,
                  "R_oracle (MFLOPs)": exact.selection_cost,
                  "C_oracle (MFLOPs)": exact.sequential_cost}
pd.DataFrame(rows).round(3)

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer** (numbers of the reference run, printed above). Paying once saves the
# early-exit oracle about 28% against the same exits run as separate networks (2.159 vs 2.991
# MFLOPs per image): the images that climb would otherwise pay again for exits 1 and 2. Yet the
# four separate CNNs win on both counts: their oracle, priced as the cascade it is, costs 1.837
# MFLOPs and reaches 0.956 accuracy, against 2.159 MFLOPs and 0.891 for the early exits. Two
# properties of the early-exit stand-in make it lose: its states are worse for their cost (its
# first exit costs 0.9 MFLOPs for 0.50 accuracy where the first CNN costs 0.4 for 0.54, and its
# last exit reaches only 0.87 for 5.6 MFLOPs), and its errors nest more ($\alpha_N$ 0.838 vs
# 0.621), so its oracle gains less accuracy over its largest state. The sequential saving is
# real but small next to these. The early-exit network would win with a cheaper first block
# (a smaller $R_1$ lowers every state's cost, and the $s_i R_1$ terms the separate cascade
# repays are what sharing saves), with a better-trained backbone whose exits lose less accuracy
# (that plays on none of the terms: it raises the accuracies and lowers α), or on a harder task
# where more images climb (larger $s_i$ for $i > 1$, so the separate cascade repays more).
#
# **Rubric (2 points).**
# * 0.5 point: the saving from paying once, quoted (about 28%, or 2.159 vs 2.991 MFLOPs).
# * 1 point: the separate CNNs' oracle is cheaper as a cascade and more accurate (quotes
#   1.837 vs 2.159 MFLOPs, 0.956 vs 0.891); names both reasons: worse states for their cost
#   (a dearer and weaker first exit, a weaker last exit), and higher $\alpha_N$ (0.838 vs 0.621),
#   hence a smaller accuracy gain. (0.5 with one reason, or without numbers.)
# * 0.5 point: one plausible change with the term it plays on (more climbing images: larger
#   $s_i$; costlier earlier states: larger $R_j$), or says rightly that it plays on none
#   (better accuracy per exit, lower α).

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION

# %% [markdown]
# ## Before you submit
#
# Restart the kernel and run all cells (*Kernel → Restart Kernel and Run All Cells*), check that
# every `grader.check` passes, and that your answer to question 5 quotes the numbers your notebook
# printed. Then submit this `.ipynb` file.
#
# *References:* S. Hor, Y. Qian, M. Pilanci, A. Arbabian, *Adaptive Inference: Theoretical Limits
# and Unexplored Opportunities* (Eq 4-7); PyTorch, `torch.utils.flop_counter.FlopCounterMode`
# and `torch.nn.Conv2d` (the output-size formula).
