"""The synthetic marketplace: orders, reads, leaks, scam reports and the ground truth.

>>> from ordermoat.simulate import SCENARIOS
>>> "mixed" in SCENARIOS
True
"""

from ordermoat.simulate.scenarios import SCENARIOS
from ordermoat.simulate.simulator import simulate

__all__ = ["simulate", "SCENARIOS"]
