"""Constants of the Hikvision Reset integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "hikvision_reset"
LOGGER: Final = logging.getLogger(__package__)

MANUFACTURER: Final = "Hikvision"
DEFAULT_USERNAME: Final = "admin"
DEFAULT_PORT: Final = 80
DEFAULT_SSL_PORT: Final = 443
HARD_RESET_ADDRESS: Final = "192.168.1.64"

SCAN_INTERVAL: Final = timedelta(seconds=60)
# Following a restore: how often to look (unauthenticated /SDK/activateStatus), how long to wait
# for the camera to go down, and then to come back.
FOLLOW_INTERVAL: Final = 2.0
OFFLINE_TIMEOUT: Final = 60.0
ONLINE_TIMEOUT: Final = 300.0
# After a camera's account lock runs out, wait this much longer before the one retry.
UNLOCK_MARGIN: Final = 5.0

EVENT_RESTORE: Final = f"{DOMAIN}_restore"
EVENT_AUTH_FAILED: Final = f"{DOMAIN}_auth_failed"

SERVICE_RESTORE_DEFAULTS: Final = "restore_defaults"
SERVICE_RESTORE_CONFIGURATION: Final = "restore_configuration"
ATTR_BACKUP: Final = "backup"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_MODE: Final = "mode"
ATTR_STAGE: Final = "stage"

STAGE_SENDING: Final = "sending"  # kept before the command goes out (never shown)
STAGE_INTERRUPTED: Final = "interrupted"  # Home Assistant restarted during the follow
STAGE_ACCEPTED: Final = "accepted"
STAGE_UNCONFIRMED: Final = "unconfirmed"
STAGE_OFFLINE: Final = "offline"
STAGE_ONLINE: Final = "online"
STAGE_FAILED: Final = "failed"
STAGE_TIMEOUT: Final = "timeout"
STAGE_RECOVERED: Final = "recovered"  # activated again through the reauth journey

REASON_INVALID_AUTH: Final = "invalid_auth"
REASON_LOCKED: Final = "account_locked"
REASON_NOT_ACTIVATED: Final = "not_activated"
REASON_RESTORED_FULL: Final = "restored_full"
REASON_AWAY: Final = "away"  # activated by Home Assistant, not back at its address yet
# The camera is inactive, or not home: the journey starts by finding it.
INACTIVE_REASONS: Final = frozenset({REASON_NOT_ACTIVATED, REASON_RESTORED_FULL, REASON_AWAY})

CONF_MODEL: Final = "model"
