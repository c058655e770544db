"""Executing notebooks and keeping the evidence: the run folder, its manifest, the change record
and the auditor's re-run.
"""
