"""The procedure's rules over time: freezing the model, sealing quality scores before prices,
and the standstill period.
"""
