"""A real ISAPI peer for tests, the demo and the benchmark: ``python -m simulator --cameras 3``."""

from .catalog import CATALOG, Model, device_info_xml
from .device import Fault, SimulatedCamera
from .recorder import PoeChannel, SimulatedRecorder
from .sadp import SadpResponder

__all__ = [
    "CATALOG",
    "Fault",
    "Model",
    "PoeChannel",
    "SadpResponder",
    "SimulatedCamera",
    "SimulatedRecorder",
    "device_info_xml",
]
