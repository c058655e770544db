"""What the committee sends and files: award notices, the protocol, score sheets, the results
workbook, the report and its PDF.
"""
