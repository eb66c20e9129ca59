"""Run simulated cameras on 127.0.0.1 until interrupted; print them as JSON lines."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json

from .catalog import CATALOG
from .device import SimulatedCamera

SEED: tuple[tuple[str, str], ...] = (
    ("Garage", "DS-2CD2086G2-I"),
    ("Front door", "DS-2CD2143G2-I"),
    ("Backyard", "DS-2CD2386G2-ISU/SL"),
    ("Driveway", "DS-2CD2343G2-I"),
    ("Porch", "DS-2CD2347G2-LU"),
    ("Carport", "DS-2CD2T87G2P-LSU/SL"),
)


def cameras_from_args(args: argparse.Namespace) -> list[SimulatedCamera]:
    """The cameras the command line asks for, on consecutive ports."""
    return [
        SimulatedCamera(
            model=SEED[i % len(SEED)][1],
            name=SEED[i % len(SEED)][0],
            password=args.password,
            port=args.base_port + i if args.base_port else 0,
            serial=f"20240101AAWR{i:08d}",
            mac=f"c0:56:e3:00:00:{i + 1:02x}",
            reboot_seconds=args.reboot_seconds,
            lock_seconds=args.lock_seconds,
        )
        for i in range(args.cameras)
    ]


async def serve(cameras: list[SimulatedCamera]) -> None:
    """Start the cameras, print them, wait forever."""
    for camera in cameras:
        await camera.start()
        print(
            json.dumps(
                {
                    "name": camera.name,
                    "model": camera.model,
                    "host": camera.host,
                    "port": camera.port,
                    "username": camera.username,
                    "password": camera.password,
                    "serial": camera.serial_number,
                }
            ),
            flush=True,
        )
    try:
        await asyncio.Event().wait()
    finally:
        for camera in cameras:
            await camera.close()


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--cameras", type=int, default=3)
    parser.add_argument("--base-port", type=int, default=0, help="first port (0: any free)")
    parser.add_argument("--password", default="Passw0rd!")
    parser.add_argument("--reboot-seconds", type=float, default=20.0)
    parser.add_argument("--lock-seconds", type=float, default=1800.0)
    parser.add_argument("--list-models", action="store_true")
    args = parser.parse_args()
    if args.list_models:
        print("\n".join(CATALOG))
        return
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(cameras_from_args(args)))


if __name__ == "__main__":
    main()
