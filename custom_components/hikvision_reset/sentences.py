"""Sentences for the person, from the integration's translations, outside of an exception.

Events, action results and state attributes carry some of the same sentences the exceptions do
(``exceptions.<key>.message``): rendered here in Home Assistant's language, English as fallback.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN


async def async_sentence(hass: HomeAssistant, key: str, **placeholders: str) -> str:
    """The message of the translation ``exceptions.<key>``, filled in, as the person reads it."""
    localize_key = f"component.{DOMAIN}.exceptions.{key}.message"
    for language in dict.fromkeys((hass.config.language, "en")):
        texts = await async_get_translations(hass, language, "exceptions", [DOMAIN])
        if template := texts.get(localize_key):
            return template.format(**placeholders)
    return key
