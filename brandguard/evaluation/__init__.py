"""年度评价: the yearly regional-brand evaluation — indicators, scores, improvement measures,
and the member review (准入/退出)."""
