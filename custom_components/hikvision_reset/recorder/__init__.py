"""Cameras behind a recorder (an NVR's PoE ports): found, reached, restored and brought back."""
