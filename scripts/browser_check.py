"""Look at the demo as a person would: Chromium (driven by Playwright) logs in, opens the Garage
camera's device page, the integration page (Backyard's reason must be a sentence, never a key),
the repairs page (one repair for Backyard), and walks the journey it opens: reset steps, the
camera reset (its web port gone), found by SADP, activated, moved back to its address, back in
Home Assistant. Saves screenshots, and presses Restore defaults on Garage.

Called by ``scripts/demo.py --browser DIR`` with the demo's session and cameras.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from pathlib import Path
import time
from typing import Any

from playwright.async_api import Page, TimeoutError as PlaywrightTimeout, async_playwright

CHROMIUM = "/usr/bin/chromium"
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


async def _dashboard(
    page: Page, session: dict[str, Any], out: Path, puts: Callable[[], int]
) -> list[str]:
    """The Cameras dashboard: Front door's Restore asks first; Cancel sends nothing, Restore does,
    and the card shows the stages and that the settings were not saved (it offers no download)."""
    await page.goto(f"{session['url']}/home-cameras/cameras")
    card = page.locator("hui-entities-card", has_text="Front door")
    step = "the Cameras dashboard"
    try:
        await card.get_by_text("Restore defaults").wait_for(timeout=30_000)
        await page.wait_for_timeout(800)
        await _shot(page, out, "dashboard")
        restore = card.get_by_role("button", name="Restore")
        await restore.click()
        step = "the confirmation"
        dialog = page.get_by_text("Restore Front door?")
        await dialog.wait_for(timeout=10_000)
        await page.wait_for_timeout(500)
        await _shot(page, out, "dashboard-confirm")
        await page.get_by_role("button", name="Cancel").click()
        await page.wait_for_timeout(1500)
        if puts():
            return ["cancelling the confirmation still sent a restore"]
        await restore.click()
        await dialog.wait_for(timeout=10_000)
        await page.get_by_role("button", name="Restore", exact=True).last.click()
        step = "the stages on the card"
        seen = await _stages_seen(page, "Front door", out, until="Back online", seconds=120)
        await page.wait_for_timeout(800)
        await _shot(page, out, "dashboard-done")
        if "Restarting" not in seen or seen[-1] != "Back online":
            return [f"the card showed the stages {seen}, not Restarting then Back online"]
        # Front door offers no configuration download: restored anyway, and the card says so.
        if "Not offered by the camera" not in await page.evaluate(_CARD_TEXT, "Front door"):
            return ["the card does not say that Front door's settings were not saved"]
    except PlaywrightTimeout:
        await _shot(page, out, "dashboard-stuck")
        return [f"the dashboard card check stopped at {step}"]
    if puts() != 1:
        return [f"confirming sent {puts()} restores"]
    return []


async def check(
    session: dict[str, Any],
    out: Path,
    restores: Callable[[], list[str]],
    hard_reset: Callable[[], Awaitable[None]],
    puts: Callable[[], int],
) -> list[str]:
    """Run the check; the problems found.

    ``restores()`` returns the Garage camera's restore list; ``hard_reset()`` presses the
    Backyard camera's reset button when the journey tells the homeowner to; ``puts()`` counts
    the restores the Front door camera received (the dashboard card's).
    """
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the browser starts
    problems: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 860})
        await context.add_init_script(_tokens_script(session))
        page = await context.new_page()
        problems += await _device_page(page, session, out)
        problems += await _integration_page(page, session, out)
        problems += await _repairs(page, session, out, hard_reset)
        problems += await _press_restore(page, session, out, restores)
        problems += await _dashboard(page, session, out, puts)
        await browser.close()
    return problems
