"""Report: periodic 舆情报告 and, on them, the yearly evaluation (ARCHITECTURE §4.6)."""
