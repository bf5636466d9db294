"""Judge: signals, spike detection, graded incidents and contingency plans (built in the risk-
engine issue; nothing here yet).
"""
