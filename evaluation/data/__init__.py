"""Reading and validating the files a committee edits: YAML, tables, the evaluation model,
the tender folder, price schedules and the process records.
"""
