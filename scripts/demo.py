"""Run the demo: simulated cameras + Home Assistant, onboarded and set up over HA's own APIs.

Run through ``scripts/demo`` (inside the project's Python 3.14 environment).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
from pathlib import Path
import re
import shutil
import signal
import sys
import time
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from aiohttp import web  # noqa: E402

from simulator import PoeChannel, SadpResponder, SimulatedCamera, SimulatedRecorder  # noqa: E402

HA_URL = "http://127.0.0.1:8123"
PUT_RESET = ("PUT", "/ISAPI/System/factoryReset")
CLIENT_ID = f"{HA_URL}/"
USER, PASSWORD = "demo", "demo-password"
CAMERAS = (  # (name, model, port): the third one's password gets changed behind HA's back
    ("Garage", "DS-2CD2086G2-I", 18081),
    ("Front door", "DS-2CD2143G2-I", 18082),
    ("Backyard", "DS-2CD2386G2-ISU/SL", 18083),
)
# Front door's firmware offers no configuration download (404): its restores go without a backup.
NO_DOWNLOAD = "Front door"
CAMERA_PASSWORD = "Passw0rd!"
# An NVR with two cameras on its PoE ports: they answer only through it (the addresses it lists
# are on loopback where nothing listens, standing in for its own PoE network).
RECORDER = ("Recorder", "DS-7608NXI-I2/8P/S", 18090)
POE_CAMERAS = (  # (channel, name, model, port, listed address)
    (1, "Driveway", "DS-2CD2143G2-I", 18091, "127.0.254.1"),
    (2, "Porch", "DS-2CD2386G2-ISU/SL", 18092, "127.0.254.2"),
)
DEVICES = (
    *(name for name, _, _ in CAMERAS),
    RECORDER[0],
    *(name for _, name, _, _, _ in POE_CAMERAS),
)
CONTROL_PORT = 18080  # the demo's "hands": POST /hard-reset/<name> presses a camera's button
# Where a hard reset leaves a simulated camera: its web port stops answering and SADP reports
# this address (a real one comes back at 192.168.1.64, usually out of Home Assistant's reach;
# these machines may send to loopback only).
RESET_ADDRESS = "127.0.0.1"


def log(message: str) -> None:
    print(f"[demo {time.strftime('%H:%M:%S')}] {message}", flush=True)


def prepare_config(config: Path) -> None:
    """A fresh config dir: the checked-in configuration.yaml and this repo's integration."""
    shutil.rmtree(config, ignore_errors=True)
    config.mkdir(parents=True)
    shutil.copy(REPO / "config" / "configuration.yaml", config / "configuration.yaml")
    (config / "automations.yaml").write_text("[]\n")
    # Onboarding's core-config step would add Met, Radio Browser, Google Translate and a shopping
    # list, which cannot work offline and only fill the log with errors: mark the steps after
    # the user account as done (Home Assistant's own onboarding storage), so they never run.
    storage = config / ".storage"
    storage.mkdir()
    (storage / "onboarding").write_text(
        json.dumps(
            {
                "version": 4,
                "minor_version": 1,
                "key": "onboarding",
                "data": {"done": ["core_config", "analytics", "integration"]},
            }
        )
    )
    (config / "custom_components").symlink_to(REPO / "custom_components")


class HomeAssistantApi:
    """The few REST/websocket calls a person's browser would make."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.token = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def wait_up(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                async with self.session.get(f"{HA_URL}/api/onboarding") as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(1)
        raise TimeoutError("Home Assistant did not start in time")

    async def onboard(self) -> dict[str, Any]:
        user = {
            "client_id": CLIENT_ID,
            "name": "Demo",
            "username": USER,
            "password": PASSWORD,
            "language": "en",
        }
        async with self.session.post(f"{HA_URL}/api/onboarding/users", json=user) as resp:
            resp.raise_for_status()
            code = (await resp.json())["auth_code"]
        form = {"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID}
        async with self.session.post(f"{HA_URL}/auth/token", data=form) as resp:
            resp.raise_for_status()
            tokens: dict[str, Any] = await resp.json()
        self.token = tokens["access_token"]
        return tokens

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        async with self.session.post(
            f"{HA_URL}{path}", json=body or {}, headers=self.headers
        ) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def add_camera(self, camera: SimulatedCamera) -> dict[str, Any]:
        flow = await self.post("/api/config/config_entries/flow", {"handler": "hikvision_reset"})
        # Add integration → "Enter the camera's address" (the menu's other way is SADP search).
        await self.post(
            f"/api/config/config_entries/flow/{flow['flow_id']}", {"next_step_id": "manual"}
        )
        result = await self.post(
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {
                "host": camera.host,
                "port": camera.port,
                "ssl": False,
                "verify_ssl": True,
                "username": camera.username,
                "password": CAMERA_PASSWORD,
            },
        )
        if result["type"] != "create_entry":
            raise RuntimeError(f"adding {camera.name} failed: {result}")
        return dict(result["result"])

    async def ws(self, *commands: dict[str, Any]) -> list[Any]:
        async with self.session.ws_connect(f"{HA_URL}/api/websocket") as ws:
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": self.token})
            assert (await ws.receive_json())["type"] == "auth_ok"
            results = []
            for i, command in enumerate(commands, 1):
                await ws.send_json({"id": i, **command})
                while (msg := await ws.receive_json()).get("id") != i:
                    pass
                if not msg.get("success", True):
                    raise RuntimeError(f"{command['type']}: {msg.get('error')}")
                results.append(msg.get("result"))
            return results


async def check(api: HomeAssistantApi, *, recovered: bool = False) -> list[str]:
    """What the smoke run asserts; the problems found.

    ``recovered``: the browser check brought Backyard home, so no repair is left and its entry
    is loaded again; otherwise Backyard's one repair is expected.
    """
    devices, issues = await api.ws(
        {"type": "config/device_registry/list"}, {"type": "repairs/list_issues"}
    )
    ours = [d for d in devices if d.get("manufacturer") == "Hikvision"]
    problems = []
    if sorted(d["name"] for d in ours) != sorted(DEVICES):
        problems.append(
            f"expected {len(DEVICES)} Hikvision devices, got {[d['name'] for d in ours]}"
        )
    recorder = next((d for d in ours if d["name"] == RECORDER[0]), {})
    behind = sorted(d["name"] for d in ours if d.get("via_device_id") == recorder.get("id"))
    if behind != sorted(name for _, name, _, _, _ in POE_CAMERAS):
        problems.append(f"the recorder's cameras are not under it: {behind}")
    # One problem, one repair: Home Assistant's reauth repair for Backyard, none of our own
    # (the browser check resets Porch behind the recorder and fixes its repair too).
    ours_issues = [i for i in issues["issues"] if i["domain"] == "hikvision_reset"]
    repair = [i for i in issues["issues"] if i.get("issue_domain") == "hikvision_reset"]
    entries = (await api.ws({"type": "config_entries/get", "domain": "hikvision_reset"}))[0]
    backyard = next((e for e in entries if e["title"] == "Backyard"), {})
    if recovered:
        if ours_issues or repair or backyard.get("state") != "loaded":
            problems.append(f"Backyard is not back: {backyard.get('state')}, {repair}")
    elif (
        ours_issues
        or len(repair) != 1
        or repair[0]["translation_placeholders"]["name"] != "Backyard"
    ):
        problems.append(f"expected one repair (Backyard's reauth), got {ours_issues + repair}")
    elif backyard.get("error_reason_translation_key") != "invalid_auth":
        problems.append(f"Backyard's entry gives no translated reason: {backyard}")
    async with api.session.get(
        f"{HA_URL}/api/states/button.garage_restore_defaults", headers=api.headers
    ) as resp:
        if resp.status != 200:
            problems.append("button.garage_restore_defaults is missing")
    return problems


async def check_rename(api: HomeAssistantApi) -> list[str]:
    """The person renames Garage's Last restore sensor (and back): it shows the same under its new
    id (from 2026.11 Home Assistant renames it in place, through the sensor's own hook)."""
    old, new = "sensor.garage_last_restore", "sensor.garage_camera_reset"

    async def shown(entity_id: str) -> dict[str, Any] | None:
        async with api.session.get(f"{HA_URL}/api/states/{entity_id}", headers=api.headers) as r:
            if r.status != 200:
                return None
            state = await r.json()
            return {"state": state["state"], **state["attributes"]}

    problems = []
    before = await shown(old)
    for frm, to in ((old, new), (new, old)):
        await api.ws(
            {"type": "config/entity_registry/update", "entity_id": frm, "new_entity_id": to}
        )
        deadline = time.monotonic() + 10
        after = await shown(to)
        while after is None and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            after = await shown(to)
        if after != before or await shown(frm) is not None:
            problems.append(f"renamed {frm} to {to}: it showed {before}, now {after}")
    return problems


# The demo's log is read like a newcomer would: no ERROR line at all, from anyone. Our
# integration may log the problem the demo provokes on purpose (Backyard refusing the password)
# at WARNING, as a sentence, never a bare translation key.
_KEYS_IN_LOG = (
    "invalid_auth",
    "cannot_connect",
    "result_unknown",
    "restored_full",
    "restore_failed",
)


# How Home Assistant words a deprecation it reports about an integration (helpers/frame.py's
# report_usage, and deprecated functions and constants).
_DEPRECATION = re.compile(r"deprecat|will stop working|breaks in|is going to be removed", re.I)


def log_problems(log_file: Path) -> list[str]:
    """ERROR lines in Home Assistant's log, WARNING lines that say this integration uses
    something deprecated, and lines of ours that show a key, not a sentence."""
    problems = []
    for line in log_file.read_text(errors="replace").splitlines():
        if " ERROR " in line:
            problems.append(f"the log has an error: {line.strip()[:200]}")
        elif " WARNING " in line and "hikvision_reset" in line and _DEPRECATION.search(line):
            problems.append(f"the log reports a deprecation: {line.strip()[:240]}")
        elif "hikvision_reset" in line and line.rstrip().endswith(_KEYS_IN_LOG):
            problems.append(f"the log shows a bare key: {line.strip()[:160]}")
    return problems


# Assist tells the truth: the action's response says whether the camera took the restore.
VOICE_ANSWER = (
    "{% set r = restore.results[0] %}{% if r.result == 'error' %}The garage camera was not "
    "restored: {{ r.message }}.{% else %}Restoring the garage camera. It will be back in two "
    "minutes.{% endif %}"
)


def voice_automation(device_id: str) -> dict[str, Any]:
    """The README's voice example for the Garage camera (``device_id``)."""
    return {
        "alias": "Reset the garage camera by voice",
        "triggers": [
            {
                "trigger": "conversation",
                "command": ["reset the garage camera", "restore defaults on the garage camera"],
            }
        ],
        "actions": [
            {
                "action": "hikvision_reset.restore_defaults",
                "data": {"device_id": device_id},
                "response_variable": "restore",
            },
            {"set_conversation_response": VOICE_ANSWER},
        ],
    }


def voice_automations(device_ids: dict[str, str]) -> str:
    """The README's automations, with the demo's device ids."""
    return json.dumps(
        [
            {"id": "voice_reset_garage", **voice_automation(device_ids["Garage"])},
            {
                "id": "notify_reset_steps",
                "alias": "Tell me how to reset a camera that refuses the password",
                "triggers": [{"trigger": "event", "event_type": "hikvision_reset_auth_failed"}],
                "actions": [
                    {
                        "action": "persistent_notification.create",
                        "data": {
                            "title": (
                                "{{ trigger.event.data.name }} refuses Home Assistant's password"
                            ),
                            "message": "Open Settings > System > Repairs for the reset steps of "
                            "{{ trigger.event.data.model }}.",
                        },
                    }
                ],
            },
        ],
        indent=2,
    )


def camera_card(slug: str, name: str) -> dict[str, Any]:
    """The README's dashboard card for one camera (``slug``: its entity ids' middle part)."""
    return {
        "type": "entities",
        "title": name,
        "entities": [
            {"entity": f"sensor.{slug}_last_restore", "name": "Last restore"},
            {
                "type": "attribute",
                "entity": f"sensor.{slug}_last_restore",
                "attribute": "stage",
                "name": "Stage",
            },
            {
                "type": "attribute",
                "entity": f"sensor.{slug}_last_restore",
                "attribute": "settings_backup",
                "name": "Settings",
            },
            {
                "type": "button",
                "name": "Restore defaults",
                "icon": "mdi:restore",
                "action_name": "Restore",
                "tap_action": {
                    "action": "perform-action",
                    "perform_action": "button.press",
                    "target": {"entity_id": f"button.{slug}_restore_defaults"},
                    "confirmation": {
                        "title": f"Restore {name}?",
                        "text": (
                            f"{name} goes back to its default image, motion and recording "
                            "settings (saved first when the camera offers them for download, "
                            "so they can be put back). Its network settings and users are kept. "
                            "It restarts: 1 to 2 minutes without video."
                        ),
                        "confirm_text": "Restore",
                        "dismiss_text": "Cancel",
                    },
                },
            },
        ],
    }


async def add_dashboard(api: HomeAssistantApi, names: list[str]) -> None:
    """A "Cameras" dashboard with one card per camera, made the way the UI makes one."""
    await api.ws(
        {
            "type": "lovelace/dashboards/create",
            "url_path": "home-cameras",
            "title": "Cameras",
            "icon": "mdi:cctv",
            "show_in_sidebar": True,
            "require_admin": False,
            "mode": "storage",
        },
        {
            "type": "lovelace/config/save",
            "url_path": "home-cameras",
            "config": {
                "views": [
                    {
                        "title": "Cameras",
                        "path": "cameras",
                        "cards": [camera_card(n.lower().replace(" ", "_"), n) for n in names],
                    }
                ]
            },
        },
    )


def demo_camera(name: str, model: str, port: int, number: int, **more: Any) -> SimulatedCamera:
    """One of the demo's cameras (``number``: its place, for its serial and MAC)."""
    return SimulatedCamera(
        model=model,
        name=name,
        port=port,
        password=CAMERA_PASSWORD,
        serial=f"2024DEMO{number:08d}",
        mac=f"c0:56:e3:de:00:{number + 1:02x}",
        **more,
    )


def make_recorder(reboot_seconds: float) -> SimulatedRecorder:
    """The demo's NVR and its two PoE cameras, on fixed ports."""
    channels = [
        PoeChannel(
            number,
            demo_camera(name, model, port, 16 + number, reboot_seconds=reboot_seconds),
            address,
            CAMERA_PASSWORD,
        )
        for number, name, model, port, address in POE_CAMERAS
    ]
    name, model, port = RECORDER
    return SimulatedRecorder(
        model=model,
        name=name,
        port=port,
        password=CAMERA_PASSWORD,
        serial="2024NVR000000001",
        mac="c0:56:e3:de:0f:01",
        reboot_seconds=reboot_seconds,
        channels=channels,
    )


def make_cameras(reboot_seconds: float) -> list[SimulatedCamera]:
    """The demo's three cameras, on fixed ports."""
    return [
        demo_camera(
            name,
            model,
            port,
            i,
            reboot_seconds=reboot_seconds,
            export="missing" if name == NO_DOWNLOAD else "file",
        )
        for i, (name, model, port) in enumerate(CAMERAS)
    ]


async def populate(
    api: HomeAssistantApi,
    cameras: list[SimulatedCamera],
    recorder: SimulatedRecorder,
    demo_dir: Path,
) -> None:
    """Onboard, add the cameras and the recorder, load the README's automations, break the
    Backyard camera."""
    tokens = await api.onboard()
    entries = {c.name: await api.add_camera(c) for c in [*cameras, recorder]}
    log("onboarded; cameras and the recorder added through the config flow")
    await add_dashboard(api, [*(c.name for c in cameras), POE_CAMERAS[0][1]])
    devices = (await api.ws({"type": "config/device_registry/list"}))[0]
    device_ids = {d["name"]: d["id"] for d in devices if d.get("manufacturer") == "Hikvision"}
    (demo_dir / "config" / "automations.yaml").write_text(voice_automations(device_ids))
    await api.post("/api/services/automation/reload")
    # Someone changed the Backyard camera's password behind Home Assistant's back.
    cameras[2].password = "Changed-elsewhere1"
    backyard = entries["Backyard"]["entry_id"]
    await api.post(f"/api/config/config_entries/entry/{backyard}/reload")
    await asyncio.sleep(1)
    session = {
        "url": HA_URL,
        "user": USER,
        "password": PASSWORD,
        "tokens": tokens,
        "client_id": CLIENT_ID,
        "device_ids": device_ids,
    }
    (demo_dir / "session.json").write_text(json.dumps(session))


async def wait_for_comeback(api: HomeAssistantApi, deadline: float) -> list[str]:
    """After the browser pressed Restore defaults: the Garage camera reboots and comes back."""
    url = f"{HA_URL}/api/states/sensor.garage_last_restore"
    stages: list[str] = []
    while time.monotonic() < deadline:
        async with api.session.get(url, headers=api.headers) as resp:
            stage = (await resp.json())["attributes"].get("stage")
        if stage and (not stages or stages[-1] != stage):
            stages.append(stage)
            log(f"Garage restore stage: {stage}")
        if stage == "online":
            return []
        await asyncio.sleep(1)
    return [f"the Garage camera did not come back (stages seen: {stages})"]


async def verify(
    args: argparse.Namespace,
    api: HomeAssistantApi,
    cameras: list[SimulatedCamera],
    recorder: SimulatedRecorder,
    demo_dir: Path,
) -> int:
    """The browser check and the smoke check, when asked for; the exit code."""
    problems: list[str] = []
    if args.browser:
        from browser_check import check as browser_check  # noqa: PLC0415

        session = json.loads((demo_dir / "session.json").read_text())
        driveway, porch = (c.camera for c in recorder.channels)
        background: set[asyncio.Future[None]] = set()  # the reset reboots the camera meanwhile
        found = await browser_check(
            session,
            Path(args.browser),
            restores=lambda: list(cameras[0].restores),
            hard_reset=lambda: cameras[2].hard_reset(RESET_ADDRESS),
            puts={
                "Front door": lambda: cameras[1].requests[PUT_RESET],
                # Exactly one restore at the camera behind the recorder, none of the recorder's.
                "Driveway": lambda: driveway.requests[PUT_RESET] + 10 * len(recorder.restores),
            },
            reset_behind=lambda: background.add(asyncio.ensure_future(porch.reset_in_place())),
            porch_active=lambda: porch.active,
        )
        problems += [f"browser: {p}" for p in found]
        log(f"browser check: {'passed' if not found else 'failed'}; screenshots in {args.browser}")
        if not found:
            problems += await wait_for_comeback(api, time.monotonic() + 120)
    if args.smoke:
        found = await check(api, recovered=bool(args.browser))
        found += await check_rename(api)
        found += log_problems(demo_dir / "home-assistant.log")
        problems += found
        state = "Backyard and Porch back home" if args.browser else "Backyard's one repair"
        summary = f"{len(DEVICES)} devices, {state}, a sensor renamed, no ERROR in the log"
        log(f"smoke: {summary if not found else 'failed'}")
        log(f"failed logins at the Backyard camera: {cameras[2].failed_logins}")
    for problem in problems:
        log(f"FAILED: {problem}")
    return 1 if problems else 0


async def start_control(
    cameras: list[SimulatedCamera], recorder: SimulatedRecorder
) -> web.AppRunner:
    """``POST http://127.0.0.1:18080/hard-reset/Backyard``: hold that camera's reset button."""
    behind = [c.camera for c in recorder.channels]
    resets: set[asyncio.Future[None]] = set()

    async def hard_reset(request: web.Request) -> web.Response:
        name = request.match_info["name"].lower()
        camera = next((c for c in [*cameras, *behind] if c.name.lower() == name), None)
        if camera is None:
            return web.Response(status=404, text=f"no camera called {name}\n")
        if camera in behind:  # on the recorder's PoE port: it comes back there, inactive
            resets.add(asyncio.ensure_future(camera.reset_in_place()))
        else:
            await camera.hard_reset(RESET_ADDRESS)
        log(f"{camera.name}: hard reset (inactive)")
        return web.Response(text=f"{camera.name} was reset\n")

    app = web.Application()
    app.router.add_post("/hard-reset/{name}", hard_reset)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", CONTROL_PORT).start()
    return runner


async def wait_for_ctrl_c(hass: asyncio.subprocess.Process) -> None:
    """Run until Ctrl-C (or Home Assistant exits)."""
    print(
        f"\n  Home Assistant: {HA_URL}\n  Login: {USER} / {PASSWORD}\n"
        "  Cameras: Garage, Front door, Backyard (Backyard refuses the password:\n"
        "  see Settings > System > Repairs), and Driveway and Porch behind the\n"
        "  Recorder. To press Backyard's reset button (or Porch's, on the recorder):\n"
        f"    curl -X POST http://127.0.0.1:{CONTROL_PORT}/hard-reset/Backyard\n"
        "  Ctrl-C stops everything.\n",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await asyncio.wait(
        [asyncio.ensure_future(hass.wait()), asyncio.ensure_future(stop.wait())],
        return_when=asyncio.FIRST_COMPLETED,
    )


async def stop_hass(hass: asyncio.subprocess.Process) -> None:
    """Stop Home Assistant (its whole process group)."""
    if hass.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(hass.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(hass.wait(), 30)
    except TimeoutError:
        os.killpg(hass.pid, signal.SIGKILL)
        await hass.wait()


async def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    demo_dir = REPO / ".demo"
    prepare_config(demo_dir / "config")
    cameras = make_cameras(args.reboot_seconds)
    recorder = make_recorder(args.reboot_seconds)
    for camera in [*cameras, *(c.camera for c in recorder.channels), recorder]:
        await camera.start()
    log(f"3 simulated cameras on 127.0.0.1:{', '.join(str(c.port) for c in cameras)}")
    log(f"a recorder on 127.0.0.1:{recorder.port} with 2 cameras reachable only through it")
    sadp = SadpResponder(cameras)
    await sadp.start()
    control = await start_control(cameras, recorder)
    log(f"their SADP side on 127.0.0.1:{sadp.port}; Home Assistant's SADP goes there only")
    # Home Assistant searches only the simulator: never the multicast group or a broadcast.
    env = {
        **os.environ,
        "HIKVISION_RESET_SADP_TARGETS": f"127.0.0.1:{sadp.port}",
        "HIKVISION_RESET_SADP_LISTEN": "off",
    }
    log_file = demo_dir / "home-assistant.log"
    hass = await asyncio.create_subprocess_exec(
        *(args.ha_python, "-m", "homeassistant", "--config", str(demo_dir / "config")),
        "--skip-pip",
        stdout=log_file.open("wb"),
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    log(f"Home Assistant starting (log: {log_file})")
    try:
        async with aiohttp.ClientSession() as session:
            api = HomeAssistantApi(session)
            await api.wait_up(time.monotonic() + args.start_timeout)
            await populate(api, cameras, recorder, demo_dir)
            version = (await api.ws({"type": "get_config"}))[0]["version"]
            log(f"Home Assistant {version} ready in {time.monotonic() - started:.0f} s")
            if args.browser or args.smoke:
                return await verify(args, api, cameras, recorder, demo_dir)
            await wait_for_ctrl_c(hass)
            return 0
    finally:
        await stop_hass(hass)
        sadp.close()
        await control.cleanup()
        for camera in [*cameras, recorder, *(c.camera for c in recorder.channels)]:
            await camera.close()
        log("stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="check and stop (for CI)")
    parser.add_argument("--browser", metavar="DIR", help="check in Chromium, screenshots to DIR")
    parser.add_argument("--start-timeout", type=float, default=240.0)
    parser.add_argument("--reboot-seconds", type=float, default=20.0)
    parser.add_argument(
        "--ha-python",
        default=sys.executable,
        help="the Python of the Home Assistant release to run (scripts/demo --ha VERSION)",
    )
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
