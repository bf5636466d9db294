"""Judge: trust-damage signals per brand and category, spike detection against the brand's
own baseline, graded incidents with contingency-plan checklists, regional roll-up, and
their events.
"""
