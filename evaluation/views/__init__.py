"""What notebooks and the dashboard display: the committee, proposal and model-test views,
the weight panel, figures and display helpers.
"""
