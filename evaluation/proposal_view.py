"""Kept for runs made before version 0.2.0, whose executed notebooks import this module.

New notebooks write ``from evaluation import ProposalView``.
"""

from evaluation.views.proposal import ProposalView as ProposalView

__all__ = ["ProposalView"]
