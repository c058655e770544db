"""How robust an evaluation is: stability intervals, SMAA-2, sensitivity, what-if,
reweighting, and the model test on fictitious competitions.
"""
