"""Kept for runs made before version 0.2.0, whose executed notebooks import this module.

New notebooks write ``from evaluation import ModelTestView``.
"""

from evaluation.views.modeltest import ModelTestView as ModelTestView

__all__ = ["ModelTestView"]
