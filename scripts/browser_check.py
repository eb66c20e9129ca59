"""Look at the demo as a person would: Chromium (driven by Playwright) logs in, opens the Garage
camera's device page, the integration page (Backyard's reason must be a sentence, never a key),
the repairs page (one repair for Backyard), and walks the journey it opens: reset steps, the
camera reset (its web port gone), found by SADP, activated, moved back to its address, back in
Home Assistant. Saves screenshots, and presses Restore defaults on Garage. Behind the recorder:
Driveway's device page says how it is reached, its dashboard card restores it (one restore at
that camera, none at the recorder), and Porch, reset with its button on the recorder's PoE port,
is activated again through the recorder from its own repair.

Called by ``scripts/demo.py --browser DIR`` with the demo's session and cameras.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
import os
from pathlib import Path
import time
from typing import Any

from playwright.async_api import Page, TimeoutError as PlaywrightTimeout, async_playwright

# Debian's Chromium by default; HIKVISION_RESET_CHROMIUM names another (e.g. a CI runner's Chrome).
CHROMIUM = os.environ.get("HIKVISION_RESET_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _tokens_script(session: dict[str, Any]) -> str:
    tokens = session["tokens"]
    stored = {
        "hassUrl": session["url"],
        "clientId": session["client_id"],
        "access_token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
        "token_type": "Bearer",
        "expires_in": tokens["expires_in"],
        "expires": int(time.time() * 1000) + tokens["expires_in"] * 1000,
    }
    return f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(stored))});"


async def _shot(page: Page, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    await page.screenshot(path=str(path))
    return path


async def _device_page(page: Page, session: dict[str, Any], out: Path) -> list[str]:
    garage = session["device_ids"]["Garage"]
    await page.goto(f"{session['url']}/config/devices/device/{garage}")
    try:
        await page.get_by_text("Restore defaults", exact=True).first.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        return ["the device page does not show 'Restore defaults'"]
    await page.wait_for_timeout(1500)
    await _shot(page, out, "device-page")
    return []


async def _integration_page(page: Page, session: dict[str, Any], out: Path) -> list[str]:
    """Backyard's reason, as the integration page shows it: a sentence, never a key."""
    problems = []
    await page.goto(f"{session['url']}/config/integrations/integration/hikvision_reset")
    reason = page.get_by_text("Backyard refused Home Assistant's password", exact=False).first
    try:
        await reason.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        problems.append("the integration page does not say why Backyard failed")
    for key in ("invalid_auth", "cannot_connect", "restored_full", "account_locked"):
        if await page.get_by_text(key, exact=True).count():
            problems.append(f"the integration page shows the bare key {key}")
    await page.wait_for_timeout(800)
    await _shot(page, out, "integration-page")
    return problems


NEW_PASSWORD = "Garden-Gate-79"


async def _submit(page: Page) -> None:
    await page.get_by_role("button", name="Submit").last.click()


async def _repairs(
    page: Page, session: dict[str, Any], out: Path, hard_reset: Callable[[], Awaitable[None]]
) -> list[str]:
    """One repair for Backyard; it opens the journey, which brings the reset camera home."""
    await page.goto(f"{session['url']}/config/repairs")
    title = page.get_by_text("Authentication expired for Backyard").first
    step = "the repairs page"
    try:
        await title.wait_for(timeout=30_000)
        await page.wait_for_timeout(800)
        await _shot(page, out, "repairs-list")
        if await page.get_by_text("Backyard", exact=False).count() != 1:
            return ["the repairs page lists Backyard more than once"]
        await title.click()
        step = "the journey's first step"
        await page.get_by_text("Get your camera working again").first.wait_for(timeout=15_000)
        await page.wait_for_timeout(800)
        await _shot(page, out, "repair-journey")
        await page.get_by_text("Nobody knows it: show me how to reset the camera").click()
        step = "the reset steps"
        await page.get_by_text("close to the slot", exact=False).first.wait_for(timeout=15_000)
        await page.wait_for_timeout(800)
        await _shot(page, out, "repair-issue")
        await hard_reset()  # the homeowner holds the button: inactive, web port gone
        await _submit(page)
        step = "the activation (SADP found the camera)"
        await page.get_by_text("Choose a new admin password for Backyard").wait_for(timeout=20_000)
        await page.locator("input[type=password]").first.fill(NEW_PASSWORD)
        await page.wait_for_timeout(500)
        await _shot(page, out, "journey-activate")
        await _submit(page)
        step = "bringing it back to its address"
        await page.get_by_text("Bring Backyard back to its address").wait_for(timeout=20_000)
        await page.wait_for_timeout(800)
        await _shot(page, out, "journey-move")
        await _submit(page)
        step = "the end of the journey"
        await page.get_by_text("back in Home Assistant", exact=False).first.wait_for(timeout=60_000)
        await page.wait_for_timeout(800)
        await _shot(page, out, "journey-done")
        await page.keyboard.press("Escape")
    except PlaywrightTimeout:
        await _shot(page, out, "journey-stuck")
        return [f"the Backyard repair journey stopped at {step}"]
    return []


async def _press_restore(
    page: Page, session: dict[str, Any], out: Path, restores: Callable[[], list[str]]
) -> list[str]:
    """Press Restore defaults the way a person does: the entity's dialog, then Press."""
    garage = session["device_ids"]["Garage"]
    await page.goto(f"{session['url']}/config/devices/device/{garage}")
    restore = page.get_by_text("Restore defaults", exact=True).first
    await restore.wait_for(timeout=30_000)
    await restore.click()
    press = page.get_by_role("button", name="Press", exact=True).last
    try:
        await press.wait_for(timeout=15_000)
        await press.click()
        for _ in range(50):
            if restores():
                break
            await page.wait_for_timeout(100)
        await page.wait_for_timeout(800)
        await _shot(page, out, "restore-pressed")
    except PlaywrightTimeout:
        await _shot(page, out, "restore-pressed")
        return ["no Press button in the Restore defaults dialog"]
    if restores() != ["basic"]:
        return [f"pressing Restore defaults sent {restores()}"]
    return []


_CARD_TEXT = """(title) => {
  const text = (node) => {
    let out = node.nodeType === Node.TEXT_NODE ? node.textContent : "";
    if (node.shadowRoot) out += text(node.shadowRoot);
    for (const child of node.childNodes) out += " " + text(child);
    return out;
  };
  const cards = [];
  const find = (node) => {
    if (node.tagName === "HUI-ENTITIES-CARD") cards.push(node);
    if (node.shadowRoot) find(node.shadowRoot);
    for (const child of node.children || []) find(child);
  };
  find(document.body);
  const card = cards.find((c) => text(c).includes(title));
  return card ? text(card).replace(/\\s+/g, " ") : "";
}"""
STAGE_WORDS = ("Accepted, restarting soon", "Restarting", "Back online", "Refused")


async def _stages_seen(page: Page, title: str, out: Path, until: str, seconds: float) -> list[str]:
    """The stage texts a card shows, in order, polled until ``until`` follows another stage."""
    seen: list[str] = []
    for _ in range(int(seconds / 0.25)):
        text = await page.evaluate(_CARD_TEXT, title)
        stage = next((w for w in STAGE_WORDS if w in text), None)
        if stage and (not seen or seen[-1] != stage):
            seen.append(stage)
            if stage == "Restarting":
                await _shot(page, out, "dashboard-restoring")
        if stage == until and len(seen) > 1:
            return seen
        await page.wait_for_timeout(250)
    return seen


# What each dashboard card must say of the settings after its restore.
NOT_SAVED = {
    "Front door": "Not offered by the camera",
    "Driveway": "Not saved (through the recorder)",  # its route: devIndex forwarding
}


async def _dashboard(
    page: Page, session: dict[str, Any], out: Path, name: str, puts: Callable[[], int]
) -> list[str]:
    """A camera's card on the Cameras dashboard: Restore asks first; Cancel sends nothing,
    Restore does, and the card shows the stages and why the settings were not saved."""
    await page.goto(f"{session['url']}/home-cameras/cameras")
    card = page.locator("hui-entities-card", has_text=name)
    step = "the Cameras dashboard"
    slug = name.lower().replace(" ", "-")
    try:
        await card.get_by_text("Restore defaults").wait_for(timeout=30_000)
        await page.wait_for_timeout(800)
        await _shot(page, out, f"dashboard-{slug}")
        restore = card.get_by_role("button", name="Restore")
        await restore.click()
        step = "the confirmation"
        dialog = page.get_by_text(f"Restore {name}?")
        await dialog.wait_for(timeout=10_000)
        await page.wait_for_timeout(500)
        await _shot(page, out, f"dashboard-{slug}-confirm")
        await page.get_by_role("button", name="Cancel").click()
        await page.wait_for_timeout(1500)
        if puts():
            return [f"cancelling {name}'s confirmation still sent a restore"]
        await restore.click()
        await dialog.wait_for(timeout=10_000)
        await page.get_by_role("button", name="Restore", exact=True).last.click()
        step = "the stages on the card"
        seen = await _stages_seen(page, name, out, until="Back online", seconds=120)
        await page.wait_for_timeout(800)
        await _shot(page, out, f"dashboard-{slug}-done")
        if "Restarting" not in seen or seen[-1] != "Back online":
            return [f"{name}'s card showed the stages {seen}, not Restarting then Back online"]
        if NOT_SAVED[name] not in await page.evaluate(_CARD_TEXT, name):
            return [f"{name}'s card does not say why its settings were not saved"]
    except PlaywrightTimeout:
        await _shot(page, out, f"dashboard-{slug}-stuck")
        return [f"{name}'s dashboard card check stopped at {step}"]
    if puts() != 1:
        return [f"confirming {name}'s restore sent {puts()} restores"]
    return []


async def _behind_recorder(page: Page, session: dict[str, Any], out: Path) -> list[str]:
    """Driveway's device page: its buttons, and the route it is reached by."""
    driveway = session["device_ids"]["Driveway"]
    await page.goto(f"{session['url']}/config/devices/device/{driveway}")
    try:
        await page.get_by_text("Restore defaults", exact=True).first.wait_for(timeout=30_000)
        await page.get_by_text("Forwarded by the recorder").first.wait_for(timeout=10_000)
        await page.get_by_text("Recorder", exact=True).first.wait_for(timeout=10_000)
    except PlaywrightTimeout:
        await _shot(page, out, "device-behind-recorder")
        return ["Driveway's device page does not show its route and its recorder"]
    await page.wait_for_timeout(1000)
    await _shot(page, out, "device-behind-recorder")
    return []


async def _porch_repair(
    page: Page, session: dict[str, Any], out: Path, active: Callable[[], bool]
) -> list[str]:
    """Porch was reset on the recorder's PoE port: its repair activates it through the recorder."""
    title = page.get_by_text("Porch on Recorder must be activated again").first
    step = "Porch's repair in the list"
    try:
        for _ in range(24):  # the recorder is asked once a minute; its check follows
            await page.goto(f"{session['url']}/config/repairs")
            try:
                await title.wait_for(timeout=10_000)
                break
            except PlaywrightTimeout:
                continue
        await page.wait_for_timeout(800)
        await _shot(page, out, "repairs-behind-recorder")
        await title.click()
        step = "the activation"
        await page.get_by_text("Activate Porch").first.wait_for(timeout=15_000)
        await page.get_by_text("The recorder's camera password (recommended)").first.wait_for(
            timeout=5_000
        )
        await page.wait_for_timeout(800)
        await _shot(page, out, "repair-behind-recorder-activate")
        await _submit(page)
        step = "the wait for the recorder"
        for _ in range(240):
            if active():
                break
            await page.wait_for_timeout(250)
        else:
            return ["Porch was not activated"]
        await _shot(page, out, "repair-behind-recorder-wait")
        step = "the end of the repair (the recorder connecting to Porch)"
        await page.get_by_text("The issue is repaired!").wait_for(timeout=120_000)
        await page.wait_for_timeout(800)
        await _shot(page, out, "repair-behind-recorder-done")
        await page.keyboard.press("Escape")
        step = "the repairs list after the fix"
        await page.goto(f"{session['url']}/config/repairs")
        await page.wait_for_timeout(2000)
        if await page.get_by_text("Porch on Recorder", exact=False).count():
            return ["Porch's repair is still listed after the fix"]
    except PlaywrightTimeout:
        await _shot(page, out, "repair-behind-recorder-stuck")
        return [f"Porch's repair stopped at {step}"]
    return []


async def check(
    session: dict[str, Any],
    out: Path,
    *,
    restores: Callable[[], list[str]],
    hard_reset: Callable[[], Awaitable[None]],
    puts: dict[str, Callable[[], int]],
    reset_behind: Callable[[], object],
    porch_active: Callable[[], bool],
) -> list[str]:
    """Run the check; the problems found.

    ``restores()`` returns the Garage camera's restore list; ``hard_reset()`` presses the
    Backyard camera's reset button when the journey tells the homeowner to; ``puts[name]()``
    counts the restores each dashboard card's camera received; ``reset_behind()`` presses
    Porch's button on the recorder's PoE port (at the start: the recorder notices it within its
    next poll); ``porch_active()`` says whether Porch has an admin password again.
    """
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the browser starts
    problems: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 860})
        await context.add_init_script(_tokens_script(session))
        page = await context.new_page()
        reset_behind()
        problems += await _device_page(page, session, out)
        problems += await _integration_page(page, session, out)
        problems += await _repairs(page, session, out, hard_reset)
        problems += await _press_restore(page, session, out, restores)
        for name, count in puts.items():
            problems += await _dashboard(page, session, out, name, count)
        problems += await _behind_recorder(page, session, out)
        problems += await _porch_repair(page, session, out, porch_active)
        await browser.close()
    return problems
