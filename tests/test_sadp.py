"""SADP against the simulator over real UDP on loopback, and the ProbeMatch parser under fuzzing."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from dataclasses import replace
import hashlib
import random
import secrets
import socket

from homeassistant.core import HomeAssistant
import pytest

from custom_components.hikvision_reset.isapi import IsapiInvalidResponseError, sadp
from custom_components.hikvision_reset.isapi.sadp import (
    KeyMode,
    NetworkSettings,
    SadpClient,
    SadpCommandFailedError,
    SadpDevice,
    SadpTimeoutError,
    parse_reply,
)
from custom_components.hikvision_reset.isapi.xml import normalise_mac
from custom_components.hikvision_reset.recovery import sadp as ha_sadp
from simulator import SadpResponder, SimulatedCamera
from simulator.crypto import open_sadp_activation as open_activation
from simulator.sadp import probe_match

from .helpers import CameraFactory

NEW_PASSWORD = "N3w-Passw0rd"


@pytest.fixture
async def responder(socket_enabled: None) -> AsyncIterator[SadpResponder]:
    responder = SadpResponder([])
    await responder.start()
    yield responder
    responder.close()


def client_for(responder: SadpResponder, **kwargs: object) -> SadpClient:
    kwargs.setdefault("listen", None)
    kwargs.setdefault("timeout", 0.5)
    return SadpClient((responder.address,), bind_host="127.0.0.1", **kwargs)  # type: ignore[arg-type]


async def find(client: SadpClient, mac: str, wait: float | None = None) -> SadpDevice:
    found = [d for d in await client.discover(wait) if d.mac == normalise_mac(mac)]
    assert found, f"{mac} did not answer"
    return found[0]


async def test_discovery_finds_each_camera_once(
    responder: SadpResponder, make_camera: CameraFactory
) -> None:
    garage = await make_camera(model="DS-2CD2143G2-I", name="Garage", mac="c0:56:e3:00:00:01")
    reset = await make_camera(model="DS-2CD2386G2-ISU/SL", mac="44:47:cc:00:00:02")
    reset.security_questions = True
    await reset.hard_reset("127.0.0.64")
    responder.cameras += [garage, reset]
    # Two targets reaching the same responder: every camera answers twice, is listed once.
    client = SadpClient((responder.address, responder.address), bind_host="127.0.0.1", listen=None)
    found = {d.mac: d for d in await client.discover(0.4)}
    assert set(found) == {"c0:56:e3:00:00:01", "44:47:cc:00:00:02"}
    assert responder.requests["inquiry"] == 2
    one = found["c0:56:e3:00:00:01"]
    assert (one.ipv4, one.http_port, one.activated) == ("127.0.0.1", garage.port, True)
    assert one.serial_number == garage.serial_number
    assert one.model == "DS-2CD2143G2-I"
    assert one.subnet_mask == "255.0.0.0"
    other = found["44:47:cc:00:00:02"]
    assert (other.ipv4, other.activated, other.security_questions) == ("127.0.0.64", False, True)
    assert other.dashed_mac == "44-47-cc-00-00-02"


async def test_replies_only_to_the_group_port_are_heard_by_the_listener(
    responder: SadpResponder, camera: SimulatedCamera
) -> None:
    """Firmware said to multicast/broadcast its replies: the 37020 listener catches them."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    group_port = probe.getsockname()[1]
    probe.close()
    responder.cameras.append(camera)
    responder.reply_to = ("127.0.0.1", group_port)
    deaf = client_for(responder)
    assert await deaf.discover(0.3) == []
    listening = client_for(responder, listen=("127.0.0.1", group_port), multicast_group=None)
    assert [d.mac for d in await listening.discover(0.3)] == [camera.mac]


@pytest.mark.parametrize(
    ("firmware", "order", "sends", "used"),
    [
        ("ascii", (KeyMode.ASCII, KeyMode.HEX), 1, "ascii"),
        ("hex", (KeyMode.ASCII, KeyMode.HEX), 2, "hex"),  # the one fallback
        ("hex", (KeyMode.HEX, KeyMode.ASCII), 1, "hex"),  # what worked last time goes first
    ],
)
async def test_activation_tries_the_other_key_reading_once(
    responder: SadpResponder,
    make_camera: CameraFactory,
    firmware: str,
    order: tuple[KeyMode, ...],
    sends: int,
    used: str,
) -> None:
    camera = await make_camera(sadp_key_mode=firmware)
    await camera.hard_reset()
    responder.cameras.append(camera)
    client = client_for(responder)
    device = await find(client, camera.mac)
    assert device.activated is False
    outcome = await client.activate(device, NEW_PASSWORD, key_modes=order)
    assert camera.password == NEW_PASSWORD
    assert (outcome.variant, outcome.sent, outcome.target) == (used, sends, responder.address)
    assert responder.requests == {"inquiry": 1, "exchangecode": sends, "activate": sends}


async def test_activation_refused_in_both_readings_stops_after_two(
    responder: SadpResponder, make_camera: CameraFactory
) -> None:
    camera = await make_camera(refuse_passwords=frozenset({NEW_PASSWORD}))
    await camera.hard_reset()
    responder.cameras.append(camera)
    client = client_for(responder)
    device = await find(client, camera.mac)
    with pytest.raises(SadpCommandFailedError, match="failed") as err:
        await client.activate(device, NEW_PASSWORD)
    assert err.value.tried == ("ascii", "hex")
    assert err.value.sent == 2
    assert not camera.active
    assert responder.requests["activate"] == 2  # never a third


def free_port() -> int:
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    return port


SALT = "fc5237" + "ab" * 29


@pytest.mark.parametrize(
    ("salt", "tail", "sends", "used"),
    [
        (None, "uuid", 1, None),  # base64(MD5): no choice to make
        (SALT, "uuid", 1, "uuid_tail"),  # as the source's latest version builds it
        (SALT, "ignored", 1, "uuid_tail"),
        (SALT, "zeros", 2, "zero_tail"),  # the one fallback
    ],
)
async def test_update_moves_the_camera_spending_at_most_one_wrong_attempt(
    responder: SadpResponder,
    make_camera: CameraFactory,
    salt: str | None,
    tail: str,
    sends: int,
    used: str | None,
) -> None:
    camera = await make_camera(password=NEW_PASSWORD, salt=salt, salted_tail=tail)
    responder.cameras.append(camera)
    client = client_for(responder)
    device = await find(client, camera.mac)
    assert device.salt == salt
    port = free_port()
    settings = NetworkSettings("127.0.0.1", "255.0.0.0", "127.0.0.1", http_port=port)
    outcome = await client.update_network(device, NEW_PASSWORD, settings)
    assert (outcome.variant, outcome.sent) == (used, sends)
    assert responder.requests["update"] == sends
    assert camera.sadp_failures == sends - 1  # at most one wrong attempt seen by the camera
    assert camera.port == port
    assert camera.online


async def test_a_refused_update_is_sent_at_most_twice_and_says_what_was_tried(
    responder: SadpResponder, make_camera: CameraFactory
) -> None:
    camera = await make_camera(password=NEW_PASSWORD, salt=SALT, sadp_retry_field="RetryTimes")
    responder.cameras.append(camera)
    client = client_for(responder)
    device = await find(client, camera.mac)
    settings = NetworkSettings("127.0.0.1", "255.0.0.0", "127.0.0.1", http_port=free_port())
    with pytest.raises(SadpCommandFailedError) as err:
        await client.update_network(device, "wrong-Passw0rd", settings)
    assert err.value.tried == ("uuid_tail", "zero_tail")
    assert err.value.sent == 2
    assert err.value.retries_left == 4  # the camera said so
    assert camera.sadp_failures == 2
    camera.sadp_retry_field = "remainTimes"  # another firmware's name for it
    with pytest.raises(SadpCommandFailedError) as err:
        await client.update_network(
            replace(device, salt=None), "wrong-Passw0rd", settings
        )  # unsalted: one form only
    assert err.value.tried == ("md5",)
    assert err.value.sent == 1


async def test_six_wrong_updates_lock_until_a_power_cycle(
    responder: SadpResponder, make_camera: CameraFactory
) -> None:
    camera = await make_camera(password=NEW_PASSWORD)
    responder.cameras.append(camera)
    client = client_for(responder)
    device = await find(client, camera.mac)
    settings = NetworkSettings("127.0.0.1", "255.0.0.0", "127.0.0.1", http_port=free_port())
    for _ in range(6):
        with pytest.raises(SadpCommandFailedError):
            await client.update_network(device, "wrong-Passw0rd", settings)
    with pytest.raises(SadpCommandFailedError):  # locked: even the right one
        await client.update_network(device, NEW_PASSWORD, settings)
    await camera.hard_reset()  # a power cycle (the simulator's hard reset also wipes it)
    assert camera.sadp_failures == 0


async def test_commands_go_to_one_destination_and_the_fallback_only_without_an_answer(
    responder: SadpResponder, make_camera: CameraFactory
) -> None:
    """The group first (the source's latest version), the broadcast address only if it is mute:
    a camera that hears both would count a wrong password twice."""
    camera = await make_camera(password=NEW_PASSWORD)
    responder.cameras.append(camera)
    mute = SadpResponder([camera])
    await mute.start()
    mute.silent = True
    try:
        settings = NetworkSettings("127.0.0.1", "255.0.0.0", "127.0.0.1", http_port=free_port())
        both = SadpClient(
            (responder.address, mute.address), bind_host="127.0.0.1", listen=None, timeout=0.3
        )
        device = await find(both, camera.mac)
        assert (mute.requests["inquiry"], responder.requests["inquiry"]) == (1, 1)
        outcome = await both.update_network(device, NEW_PASSWORD, settings)
        assert outcome.target == responder.address
        assert (responder.requests["update"], mute.requests["update"]) == (1, 0)
        # The first destination is mute: the second gets it, once.
        settings = replace(settings, http_port=free_port())
        mute_first = SadpClient(
            (mute.address, responder.address), bind_host="127.0.0.1", listen=None, timeout=0.3
        )
        outcome = await mute_first.update_network(device, NEW_PASSWORD, settings)
        assert outcome.target == responder.address
        assert (responder.requests["update"], mute.requests["update"]) == (2, 1)
        assert outcome.sent == 2
    finally:
        mute.close()


async def test_silent_device_times_out_and_nothing_is_resent(
    responder: SadpResponder, make_camera: CameraFactory
) -> None:
    camera = await make_camera()
    responder.cameras.append(camera)
    client = client_for(responder, timeout=0.3)
    device = await find(client, camera.mac)
    responder.silent = True
    with pytest.raises(SadpTimeoutError):
        await client.update_network(device, "x", NetworkSettings("127.0.0.1", "255.0.0.0", "0"))
    assert responder.requests["update"] == 1


def test_salted_update_password_known_answer() -> None:
    """The source's steps, computed outside this code: K with hashlib, the AES with OpenSSL
    (``openssl enc -aes-128-ecb -nopad -K <K>`` over the 64-byte buffer)."""
    salt = "fc5237a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabb947a"
    uuid = "13A888A9-F1B1-4020-AE9F-05607682D23B"
    key = hashlib.md5(
        hashlib.sha256(f"admin{salt}N3w-Passw0rd".encode()).hexdigest().encode()
    ).digest()
    assert key.hex() == "45044a0b3e7930069c13f24d8396b200"
    with_uuid, salted = sadp.update_password("N3w-Passw0rd", salt, "admin", uuid)
    assert salted
    assert with_uuid == (
        "km2i2QPvSkQzTNZHVuHM/eVFecjGgj0yLDy69PT/VsgCnL5H2SgJtC6X+t9HAXn8+9b1+Zr6g54lONm2RnvjNw=="
    )
    zeros, _ = sadp.update_password(
        "N3w-Passw0rd", salt, "admin", uuid, sadp.UpdateLayout.ZERO_TAIL
    )
    assert zeros == (
        "km2i2QPvSkQzTNZHVuHM/Ss1D2Jh92bSBWhuSwFe0aIrNQ9iYfdm0gVobksBXtGiKzUPYmH3ZtIFaG5LAV7Rog=="
    )
    # The message carries the same Uuid its password was built with.
    device = sadp.SadpDevice(mac="c0:56:e3:00:00:01", ipv4="192.0.0.64", activated=True, salt=salt)
    update = sadp.update_message(
        uuid, device, "N3w-Passw0rd", NetworkSettings("192.0.0.60", "255.255.0.0", "0"), "admin"
    ).decode()
    assert f"<Uuid>{uuid}</Uuid>" in update
    assert f'<Password bSalt="true">{with_uuid}</Password>' in update


def test_request_shapes_follow_the_captures() -> None:
    """Element names and order as SADPTool's captures (probe, update) show them."""
    assert sadp.probe_message("U-1") == (
        b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>U-1</Uuid>'
        b"<Types>inquiry</Types></Probe>"
    )
    device = sadp.SadpDevice(mac="18:68:cb:aa:bb:cc", ipv4="192.0.0.64", activated=True)
    update = sadp.update_message(
        "U-2",
        device,
        "password",
        NetworkSettings("192.0.0.60", "255.255.0.0", "192.0.0.1"),
        "admin",
    ).decode()
    # The capture's own password field: base64 of MD5("password").
    assert (
        "<Types>update</Types><PWErrorParse>true</PWErrorParse><MAC>18-68-cb-aa-bb-cc</MAC>"
        "<Password>X03MO1qnZdYdgyfeuILPmQ==</Password><IPv4Address>192.0.0.60</IPv4Address>"
        "<CommandPort>8000</CommandPort><IPv4SubnetMask>255.255.0.0</IPv4SubnetMask>"
    ) in update
    assert update.endswith("<DHCP>false</DHCP><HttpPort>80</HttpPort></Probe>")
    salted, is_salted = sadp.update_password("password", "ab" * 32, "admin", "U-2")
    assert is_salted
    assert len(base64.b64decode(salted)) == 64


def test_exchange_key_is_pkcs1_der_of_1024_bits() -> None:
    key = sadp.new_exchange_key()
    der = base64.b64decode(sadp.encode_exchange_key(key))
    assert der[:4] == bytes.fromhex("30818902")  # SEQUENCE, then the 1024-bit modulus
    assert der.endswith(bytes.fromhex("0203010001"))  # e = 65537
    with pytest.raises(IsapiInvalidResponseError):
        sadp.open_exchange_code(key, "bm90IHNlYWxlZA==")
    random_text = secrets.token_hex(16)
    for mode in KeyMode:
        sealed = sadp.seal_password(random_text, NEW_PASSWORD, mode)
        assert open_activation(random_text, sealed, str(mode)) == NEW_PASSWORD  # the camera's side
    # Sealed with the other reading, it does not open.
    assert (
        open_activation(random_text, sadp.seal_password(random_text, "x", KeyMode.HEX), "ascii")
        is None
    )
    # A random string too short for a hex key: that reading cannot apply (nothing is sent).
    with pytest.raises(IsapiInvalidResponseError):
        sadp.seal_password(secrets.token_hex(10), NEW_PASSWORD, KeyMode.HEX)


# ---- the parser under hostile input -----------------------------------------------------------

REAL_2016 = (  # the S2 capture of the SADP notes (DS-2CD2432F-IW, V5.2.5): no Activated, no Salt
    b'<?xml version="1.0" encoding="UTF-8"?>\n<ProbeMatch><Uuid>'
    b"FC25924E-AFE2-49E6-ACC9-F84A6859054D</Uuid>\n<Types>inquiry</Types><DeviceType>38930</DeviceType><DeviceDescription>DS-2CD2432F"
    b"-IW</DeviceDescription>\n<DeviceSN>DS-2CD2432F-IW20150126CCCH502126167</DeviceSN><CommandPor"
    b"t>8000</CommandPort><HttpPort>80</HttpPort>\n<MAC>c0-56-e3-fe-42-92</MAC><IPv4Address>10.1."
    b"1.251</IPv4Address><IPv4SubnetMask>255.255.255.0</IPv4SubnetMask>\n<IPv4Gateway>10.1.1.1</I"
    b"Pv4Gateway><IPv6Address>::</IPv6Address><IPv6Gateway>::</IPv6Gateway><IPv6MaskLen>64</IPv6M"
    b"askLen>\n<DHCP>false</DHCP><AnalogChannelNum>0</AnalogChannelNum><DigitalChannelNum>1</Digit"
    b"alChannelNum>\n<SoftwareVersion>V5.2.5build 141201</SoftwareVersion><DSPVersion>V5.0, build "
    b"140714</DSPVersion>\n<BootTime>2016-03-06 09:18:17</BootTime></ProbeMatch>"
)


def test_parses_the_2016_capture() -> None:
    reply = parse_reply(REAL_2016)
    assert reply is not None
    assert reply.device is not None
    assert reply.device.mac == "c0:56:e3:fe:42:92"
    assert reply.device.ipv4 == "10.1.1.251"
    assert reply.device.activated is None  # this firmware does not say
    assert reply.device.firmware == "V5.2.5build 141201"
    assert reply.device.serial_number == "DS-2CD2432F-IW20150126CCCH502126167"


@pytest.mark.parametrize(
    "datagram",
    [
        b"",
        b"\x00\xff" * 40,
        b"<ProbeMatch>",
        b"<Probe><Types>inquiry</Types></Probe>",  # our own request echoed
        b'<!DOCTYPE p [<!ENTITY a "aaaa">]><ProbeMatch><MAC>&a;</MAC></ProbeMatch>',
        b"<ProbeMatch>" + b"<x>" * 100 + b"</x>" * 100 + b"</ProbeMatch>",
        b"<ProbeMatch><MAC>" + b"a" * 20000 + b"</MAC></ProbeMatch>",
    ],
)
def test_hostile_datagrams_are_ignored(datagram: bytes) -> None:
    assert parse_reply(datagram) is None


def test_device_needs_mac_and_ipv4() -> None:
    reply = parse_reply(b"<ProbeMatch><Types>update</Types><Result>failed</Result></ProbeMatch>")
    assert reply is not None
    assert (reply.types, reply.result, reply.device) == ("update", "failed", None)
    bad_ip = REAL_2016.replace(b"10.1.1.251", b"10.1.1.999")
    assert parse_reply(bad_ip).device is None  # type: ignore[union-attr]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(5)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            del buf[pos : pos + rng.randint(1, 30)]
        elif op == 1:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
        elif op == 2 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 3:
            chunk = rng.choice([b"<", b">", b"</", b"&amp;", b"&x;", b"<![CDATA[", b"flase"])
            buf[pos:pos] = chunk
        else:
            start = rng.randrange(len(buf) or 1)
            buf[pos:pos] = buf[start : start + rng.randint(1, 200)]
    return bytes(buf)


def test_fuzzed_probe_matches_never_raise() -> None:
    """20,000 seeded mutations of real and simulated ProbeMatches: a reply, or None; no error."""
    rng = random.Random(37020)
    camera = SimulatedCamera(mac="c0:56:e3:00:00:09")
    seeds = [REAL_2016, probe_match(camera, "UUID-1").encode()]
    parsed = 0
    for _ in range(20_000):
        reply = parse_reply(_mutate(rng, rng.choice(seeds)))
        if reply is not None and reply.device is not None:
            parsed += 1
            assert len(reply.device.mac) == 17
            assert reply.device.http_port is None or 0 < reply.device.http_port < 65536
    assert parsed > 100  # some mutations keep valid documents, so the fields are exercised


async def test_a_send_off_loopback_is_refused_and_recorded(
    sent_outside: list[object], socket_enabled: None
) -> None:
    """The guard of conftest: production defaults (multicast, broadcast) never leave a test."""
    client = SadpClient(listen=None, timeout=0.1)
    assert await client.discover() == []
    assert sent_outside == [("239.255.255.250", 37020), ("255.255.255.255", 37020)]
    sent_outside.clear()  # seen; the test itself must not fail at teardown
    await asyncio.sleep(0)


async def test_a_taken_listening_port_is_no_error(
    responder: SadpResponder, camera: SimulatedCamera
) -> None:
    """Another SADP tool holds 37020: discovery still works through the probe's own socket."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    holder.bind(("127.0.0.1", 0))  # no SO_REUSEADDR: a second bind to it fails
    responder.cameras.append(camera)
    client = client_for(responder, listen=holder.getsockname(), multicast_group="239.255.255.250")
    try:
        assert [d.mac for d in await client.discover(0.3)] == [camera.mac]
    finally:
        holder.close()


async def test_discovery_that_cannot_open_a_socket_finds_nothing_quietly(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No interface to send from (an OSError): Home Assistant's search lists nothing, logs why."""
    monkeypatch.setenv(ha_sadp.ENV_LISTEN, "off")
    monkeypatch.setenv(ha_sadp.ENV_TARGETS, "127.0.0.1:9")

    async def broken(*_args: object) -> None:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(SadpClient, "_open", broken)
    assert await ha_sadp.async_search() == []
    assert await ha_sadp.async_find("c0:56:e3:00:00:01", None) is None
    assert await ha_sadp.async_find(None, None) is None
    assert "Searching the network (SADP) failed: Network is unreachable" in caplog.text
