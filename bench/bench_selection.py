"""Selection for negotiation speed (issue 7/10): invitation acceptability of 200 applicants ×
10 selection criteria over 100,000 weight draws, with places reserved for a category, as a
ratio to the SMAA floor (one matrix multiply plus an argsort on the same data) measured side
by side: target <= 2×. Also the exact invited-set intervals for the same field.
"""

from __future__ import annotations

import numpy as np
from common import best_time

APPLICANTS, CRITERIA, DRAWS = 200, 10, 100_000


def bench() -> list[str]:
    """Return the printed lines: times, ratio and target."""
    from evaluation.analysis.invitation import invitation_acceptability, invitation_intervals
    from evaluation.analysis.sampling import sample_dirichlet
    from evaluation.core.selection import InviteRule, Reserved

    rng = np.random.default_rng(20261126)
    values = rng.random((APPLICANTS, CRITERIA))
    category = rng.random(APPLICANTS) < 0.2
    weights = sample_dirichlet(CRITERIA, DRAWS, rng)
    rule = InviteRule(max=10, min=3, reserved=Reserved("new", 2, 4, 10, "reservation", 2))
    ours = best_time(lambda: invitation_acceptability(values, weights, category, rule))
    floor = best_time(lambda: np.argsort(-(weights @ values.T), axis=1))
    exact = best_time(lambda: invitation_intervals(values, weights[0], category, rule),
                      repeat=1)
    ratio = ours / floor
    return [
        f"invitation acceptability: {DRAWS} draws × {APPLICANTS} applicants × {CRITERIA} "
        "criteria, 2 reserved places",
        f"  ours {ours:7.3f} s   floor (matmul + argsort) {floor:7.3f} s   ratio {ratio:5.2f}"
        f"   target <= 2   {'OK' if ratio <= 2 else 'SLOW'}",
        f"  exact invited-set intervals, {CRITERIA} criteria: {exact:6.2f} s",
    ]


if __name__ == "__main__":
    print("\n".join(bench()))
