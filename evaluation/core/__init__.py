"""The evaluation model and its arithmetic: criteria, price models, normalisation, aggregation,
award models, ranking, scoring and diagnostics. No files, no Jupyter.
"""
