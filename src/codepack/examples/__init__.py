"""Example stage: count tokens, cut ordered files into examples under the budget (``cut``), apply
FIM and render an output format.
"""
