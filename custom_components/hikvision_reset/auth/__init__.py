"""Login safety: one login per submit, what cameras refused (kept across restarts), the guard."""
