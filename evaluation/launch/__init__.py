"""The run launcher: validates a tender, executes its notebooks into a new run folder, then
writes the results, workbook, report and model-test evidence.
"""
