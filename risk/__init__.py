"""Judge: trust-damage signals per brand and category, spike detection against the brand's
own baseline, graded incidents and their events.

Not yet here (see the risk-engine issue): contingency-plan checklists, silences,
regional roll-up and unauthorised-seller signals.
"""
