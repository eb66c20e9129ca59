"""Benchmark against the simulator; prints ratios (run: scripts/bench).

1. Requests on the wire for 20 deviceInfo calls: our client (one challenge, then pre-emptive
   digest) against a client that makes a fresh digest middleware per call.
2. Failed logins when the camera's password changed under a running client: our client against
   aiohttp's DigestAuthMiddleware on its own (which resends refused credentials once).
3. Wall time to restore 6 cameras with 300 ms latency each: concurrently (as the service does)
   against one after another.
4. A hostile deviceInfo (0.95 MB, two internal entities expanding to 89,300,000 characters,
   under expat's amplification cap, as a compromised camera could send): the standard
   library's ElementTree (what the client used before) against our parser, each in a fresh
   process: how long the event loop is blocked, and the process's peak memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
import subprocess
import sys
import time

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.hikvision_reset.isapi import (
    IsapiAuthenticationError,
    IsapiClient,
    RestoreMode,
)
from simulator import Fault, SimulatedCamera

PASSWORD = "Passw0rd!"
INFO = ("GET", "/ISAPI/System/deviceInfo")


async def requests_per_call(session: aiohttp.ClientSession) -> tuple[int, int]:
    camera = SimulatedCamera(password=PASSWORD)
    await camera.start()
    ours = IsapiClient(session, camera.host, port=camera.port, password=PASSWORD)
    for _ in range(20):
        await ours.device_info()
    ours_count = camera.requests[INFO]
    camera.requests.clear()
    for _ in range(20):  # a fresh middleware each time: the challenge is paid on every call
        await IsapiClient(session, camera.host, port=camera.port, password=PASSWORD).device_info()
    naive = camera.requests[INFO]
    await camera.close()
    return ours_count, naive


async def failed_logins(session: aiohttp.ClientSession) -> tuple[int, int]:
    camera = SimulatedCamera(password=PASSWORD)
    await camera.start()
    ours = IsapiClient(session, camera.host, port=camera.port, password=PASSWORD)
    await ours.device_info()
    camera.password = "Changed-elsewhere1"
    with contextlib.suppress(IsapiAuthenticationError):
        await ours.device_info()
    ours_failed = camera.failed_logins
    camera.password, camera.failed_logins = PASSWORD, 0
    camera.unlock()
    digest = aiohttp.DigestAuthMiddleware("admin", PASSWORD)
    url = f"{camera.base_url}/ISAPI/System/deviceInfo"
    async with session.get(url, middlewares=(digest,)) as resp:
        await resp.read()
    camera.password = "Changed-elsewhere1"
    async with session.get(url, middlewares=(digest,)) as resp:
        await resp.read()
    plain_failed = camera.failed_logins
    await camera.close()
    return ours_failed, plain_failed


async def restore_wall_time(session: aiohttp.ClientSession, n: int = 6) -> tuple[float, float]:
    cameras = [SimulatedCamera(password=PASSWORD, reboot_seconds=0.05) for _ in range(n)]
    for camera in cameras:
        await camera.start()
    clients = [IsapiClient(session, c.host, port=c.port, password=PASSWORD) for c in cameras]

    def slow() -> None:
        for camera in cameras:
            camera.faults["/ISAPI/System/factoryReset"] = Fault(latency=0.3, times=1)

    async def settle() -> None:
        for camera in cameras:
            await asyncio.sleep(0.1)
            await camera.back_online.wait()

    slow()
    start = time.perf_counter()
    await asyncio.gather(*(c.restore_defaults(RestoreMode.BASIC) for c in clients))
    concurrent = time.perf_counter() - start
    await settle()
    slow()
    start = time.perf_counter()
    for client in clients:
        await client.restore_defaults(RestoreMode.BASIC)
    sequential = time.perf_counter() - start
    await settle()
    for camera in cameras:
        await camera.close()
    return concurrent, sequential


_PARSE = """
import asyncio, json, resource, sys, time
sys.path.insert(0, {root!r})
from xml.etree import ElementTree as ET
from custom_components.hikvision_reset.isapi.xml import parse_device_info
from simulator.device import hostile_device_info

body = hostile_device_info().encode()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def main():
    gaps = []
    async def tick():
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.01)
    outcome = "parsed"
    try:
        if {naive!r}:
            root = ET.fromstring(body)
            outcome = "name of %d characters" % len(root.findtext("deviceName") or "")
        else:
            parse_device_info(body)
    except Exception as err:
        outcome = "refused: %s" % err
    await asyncio.sleep(0.01)
    ticker.cancel()
    return max(gaps), outcome

stall, outcome = asyncio.run(main())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
result = {{"stall": stall, "peak_mb": peak / 1024, "outcome": outcome, "bytes": len(body)}}
print(json.dumps(result))
"""


def hostile_xml(naive: bool) -> dict[str, object]:
    """Parse the hostile document in a fresh interpreter; its loop stall and peak memory."""
    code = _PARSE.format(root=str(Path(__file__).resolve().parents[1]), naive=naive)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


async def main() -> None:
    async with aiohttp.ClientSession() as session:
        ours, naive = await requests_per_call(session)
        print(
            f"requests for 20 calls: ours {ours}, per-call challenge {naive}: "
            f"ratio {naive / ours:.2f}x fewer"
        )
        ours_f, plain_f = await failed_logins(session)
        print(
            f"failed logins after a password change: ours {ours_f}, "
            f"aiohttp digest alone {plain_f}: ratio {plain_f / ours_f:.1f}x fewer"
        )
        conc, seq = await restore_wall_time(session)
        print(
            f"restore 6 cameras (300 ms each): concurrent {conc:.2f} s, sequential {seq:.2f} s: "
            f"ratio {seq / conc:.1f}x faster"
        )
    before, after = hostile_xml(naive=True), hostile_xml(naive=False)
    stall_b, stall_a = float(before["stall"]), float(after["stall"])  # type: ignore[arg-type]
    mem_b, mem_a = float(before["peak_mb"]), float(after["peak_mb"])  # type: ignore[arg-type]
    print(
        f"hostile deviceInfo ({before['bytes']} bytes): ElementTree {before['outcome']}, loop "
        f"blocked {stall_b * 1000:.0f} ms, +{mem_b:.0f} MB; ours {after['outcome']}, loop "
        f"blocked {stall_a * 1000:.1f} ms, +{mem_a:.1f} MB: ratio {stall_b / stall_a:.0f}x "
        "shorter"
    )


if __name__ == "__main__":
    asyncio.run(main())
