"""The config flow's step groups (reauth, the way home, the arrival) and their shared state."""
