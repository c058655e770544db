"""The bottom layer, shared by every other: errors, bilingual labels and number formats,
hashing, and the result payload every notebook ends with.
"""
