"""Custom integrations live here (a package, so that mypy and pytest find them)."""
