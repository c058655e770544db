"""Kept for runs made before version 0.2.0, whose executed notebooks import this module.

New notebooks write ``from evaluation import CommitteeView``.
"""

from evaluation.views.committee import CommitteeView as CommitteeView

__all__ = ["CommitteeView"]
