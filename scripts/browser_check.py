"""Look at the demo as a person would: Chromium (driven by Playwright) logs in, opens the Garage
camera's device page and the repairs page, saves screenshots, and presses Restore defaults.

Called by ``scripts/demo.py --browser DIR`` with the demo's session and cameras.
"""

from __future__ import annotations

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


async def check(session: dict[str, Any], out: Path, restores: Any) -> list[str]:
    """Run the check; ``restores()`` returns the Garage camera's restore list. Problems found."""
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the browser starts
    problems: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 860})
        await context.add_init_script(_tokens_script(session))
        page = await context.new_page()
        garage = session["device_ids"]["Garage"]
        await page.goto(f"{session['url']}/config/devices/device/{garage}")
        restore = page.get_by_text("Restore defaults", exact=True).first
        try:
            await restore.wait_for(timeout=30_000)
        except PlaywrightTimeout:
            problems.append("the device page does not show 'Restore defaults'")
        await page.wait_for_timeout(1500)
        await _shot(page, out, "device-page")

        await page.goto(f"{session['url']}/config/repairs")
        title = page.get_by_text("Backyard no longer accepts Home Assistant's password").first
        try:
            await title.wait_for(timeout=30_000)
            await page.wait_for_timeout(800)
            await _shot(page, out, "repairs-list")
            await title.click()
            await page.get_by_text("reset button", exact=False).first.wait_for(timeout=15_000)
            await page.wait_for_timeout(800)
            await _shot(page, out, "repair-issue")
        except PlaywrightTimeout:
            problems.append("the repairs page does not show the Backyard issue and its steps")
            await _shot(page, out, "repairs-list")

        # Press Restore defaults the way a person does: the entity's dialog, then Press.
        await page.goto(f"{session['url']}/config/devices/device/{garage}")
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
            if restores() != ["basic"]:
                problems.append(f"pressing Restore defaults sent {restores()}")
            await page.wait_for_timeout(800)
            await _shot(page, out, "restore-pressed")
        except PlaywrightTimeout:
            problems.append("no Press button in the Restore defaults dialog")
            await _shot(page, out, "restore-pressed")
        await browser.close()
    return problems
