"""Bringing a reset camera home: SADP, the network, activation and the move, the reset guide."""
