"""The package version, recorded in every manifest and lock file.

Bumped whenever results or notebook templates change, so that an auditor knows which version
re-runs a run folder to the same numbers (``pyproject.toml`` reads it from here).
"""

__version__ = "0.6.1"
