"""adaptlab: adaptive inference, taught.

Serve easy inputs with a small, cheap model and escalate to a big one only
when needed. The theory (``adaptlab.bounds``, ``adaptlab.statespace``) follows
Hor, Qian, Pilanci & Arbabian, *Adaptive Inference: Theoretical Limits and
Unexplored Opportunities*; the rest lets you train, route and measure.
"""

__version__ = "0.1.0"
