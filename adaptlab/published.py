"""Published model figures, and Table 1's alpha = 1 columns rebuilt from them.

Two tables ship with adaptlab as data, each row with its source:

* ``published_figures.csv``: per-model cost (GFLOPs) and accuracy, from
  torchvision's model cards (EfficientNet-B0..B7 and ViT on ImageNet top-1)
  and the Llama 2 paper (HellaSwag 0-shot, GFLOPs at batch 1 and 128 tokens);
* ``paper_table1.csv``: the paper's Table 1, as printed;
* ``timm_imagenet.csv``: cost (GMACs) and ImageNet-1k top-1 accuracy of
  1,543 published image models from timm's result tables, with their
  sources in ``timm_imagenet.md`` (:func:`timm_imagenet`).

:func:`table1` applies the conservative bound (Eq 9) to the Pareto frontier of
each family and sets it beside the paper's figure, saying for every row
whether it matches and, where it cannot, why.
"""
from __future__ import annotations

from importlib.resources import files

import numpy as np
import pandas as pd

from .statespace import StateSpace

__all__ = [
    "published_figures", "paper_table1", "family_state_space", "table1",
    "timm_imagenet", "timm_sources", "timm_state_space",
]


def _read(name):
    with files("adaptlab").joinpath("data", name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


def published_figures():
    """Per-model costs and accuracies with their sources.

    Returns
    -------
    pandas.DataFrame
        Columns ``family``, ``model``, ``task``, ``cost_gflops``, ``accuracy``
        (a fraction) and ``source``.
    """
    return _read("published_figures.csv")


def paper_table1():
    """Table 1 of the paper as printed (alpha = 1 columns and alpha_min).

    Returns
    -------
    pandas.DataFrame
        One row per model family; accuracies as fractions, costs in GFLOPs.
    """
    return _read("paper_table1.csv")


def timm_imagenet():
    """1,543 published ImageNet models: timm's inference cost and top-1 accuracy.

    Sources, the join and what the table teaches are in :func:`timm_sources`.

    Returns
    -------
    pandas.DataFrame
        Columns ``name`` (timm model and weight tag), ``img_size``,
        ``cost_gmacs`` (GMACs per image; FLOPs are about twice as many, and
        R_ratio is unit-free), ``accuracy`` (ImageNet-1k top-1, a fraction)
        and ``extra_data`` (pre-trained or distilled on data beyond
        ImageNet-1k).

    Examples
    --------
    >>> models = timm_imagenet()
    >>> len(models), int((~models["extra_data"]).sum())
    (1543, 1206)
    """
    return _read("timm_imagenet.csv")


def timm_sources():
    """Where :func:`timm_imagenet`'s figures come from (commits, files), as Markdown text."""
    return files("adaptlab").joinpath("data", "timm_imagenet.md").read_text(encoding="utf-8")


def timm_state_space(*, imagenet_1k_only=False):
    """The Pareto envelope of timm's published ImageNet models, as a state space.

    Parameters
    ----------
    imagenet_1k_only : bool, default=False
        Keep only weights trained on ImageNet-1k alone (no extra data, no
        distillation from larger data sets).

    Returns
    -------
    StateSpace
        Costs in GMACs; states named ``"<model>.<tag>@<image size>"``;
        dominated models dropped.

    Examples
    --------
    >>> space = timm_state_space()
    >>> len(space), round(space.conservative().r_ratio, 1)
    (37, 69.3)
    >>> round(timm_state_space(imagenet_1k_only=True).conservative().r_ratio, 1)
    224.0
    """
    models = timm_imagenet()
    if not isinstance(imagenet_1k_only, (bool, np.bool_)):
        raise ValueError(f"imagenet_1k_only must be True or False, got {imagenet_1k_only!r}.")
    if imagenet_1k_only:
        models = models[~models["extra_data"]]
    models = models.sort_values(["cost_gmacs", "accuracy"], kind="stable")
    names = tuple(models["name"] + "@" + models["img_size"].astype(str))
    space = StateSpace(names, models["cost_gmacs"].to_numpy(), models["accuracy"].to_numpy(),
                       unit="GMACs")
    return space.pareto()


def family_state_space(family):
    """The Pareto frontier of one family's published models, as a state space.

    Parameters
    ----------
    family : str
        One of the ``family`` values of :func:`published_figures`, e.g.
        ``"EfficientNet"``, ``"ViT"``, ``"Llama-2"``.

    Returns
    -------
    StateSpace
        Costs in GFLOPs; dominated models dropped.
    """
    figures = published_figures()
    rows = figures[figures["family"] == family]
    if rows.empty:
        known = ", ".join(figures["family"].unique())
        raise ValueError(f"family must be one of {known}; got {family!r}.")
    rows = rows.sort_values(["cost_gflops", "accuracy"], kind="stable")
    space = StateSpace(
        tuple(rows["model"]), rows["cost_gflops"].to_numpy(), rows["accuracy"].to_numpy(),
        unit="GFLOPs",
    )
    return space.pareto()


def table1(*, tolerance=0.15):
    """Table 1's conservative (alpha = 1) columns, rebuilt from published figures.

    Parameters
    ----------
    tolerance : float
        Largest relative difference of R_ratio from the paper's that counts
        as a match.

    Returns
    -------
    pandas.DataFrame
        One row per row of Table 1: the paper's ``A_N``, ``R_oracle`` and
        ``R_ratio``, ours (NaN where the row cannot be rebuilt), the relative
        difference, ``matches`` and a ``note`` on why the figures differ.
    """
    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance must be a fraction in (0, 1), got {tolerance!r}.")
    paper = paper_table1()
    available = set(published_figures()["family"])
    rows = []
    for record in paper.itertuples(index=False):
        ours = {"states": np.nan, "A_N": np.nan, "R_oracle": np.nan, "R_ratio": np.nan}
        if record.family in available:
            space = family_state_space(record.family)
            bound = space.conservative()
            ours = {
                "states": len(space),
                "A_N": bound.accuracy,
                "R_oracle": bound.selection_cost,
                "R_ratio": bound.r_ratio,
            }
        difference = ours["R_ratio"] / record.r_ratio - 1.0
        rows.append(
            {
                "context": record.context,
                "family": record.family,
                "paper A_N": record.a_n,
                "paper R_oracle": record.r_oracle_gflops,
                "paper R_ratio": record.r_ratio,
                "states": ours["states"],
                "A_N": ours["A_N"],
                "R_oracle": ours["R_oracle"],
                "R_ratio": ours["R_ratio"],
                "difference": difference,
                "matches": bool(abs(difference) <= tolerance),
                "note": record.note,
            }
        )
    return pd.DataFrame(rows)
