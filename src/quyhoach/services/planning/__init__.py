"""Planning (quy hoạch): the planning world of facts, pools judged against the rule set, pool
writes with their history, the vacancy forecast, the page views and the versioned rule sets."""
