"""SADP against the simulator over real UDP on loopback, and the ProbeMatch parser under fuzzing."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
import random
import socket

from homeassistant.core import HomeAssistant
import pytest

from custom_components.hikvision_reset import recovery
from custom_components.hikvision_reset.isapi import IsapiInvalidResponseError, sadp
from custom_components.hikvision_reset.isapi.sadp import (
    KeyMode,
    NetworkSettings,
    SadpClient,
    SadpCommandFailedError,
    SadpTimeoutError,
    parse_reply,
)
from simulator import SadpResponder, SimulatedCamera
from simulator.sadp import probe_match

from .conftest import CameraFactory

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
    assert await client.find("44-47-CC-00-00-02", 0.3) == other
    assert await client.find("00:11:22:33:44:55", 0.3) is None


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


@pytest.mark.parametrize("mode", list(KeyMode))
async def test_activation_over_sadp(
    responder: SadpResponder, make_camera: CameraFactory, mode: KeyMode
) -> None:
    camera = await make_camera()
    await camera.hard_reset()
    responder.cameras.append(camera)
    responder.key_mode = mode
    client = client_for(responder)
    device = await client.find(camera.mac)
    assert device is not None
    assert device.activated is False
    await client.activate(device, NEW_PASSWORD, key_mode=mode)
    assert camera.password == NEW_PASSWORD
    assert responder.requests == {"inquiry": 1, "exchangecode": 1, "activate": 1}


async def test_activation_with_the_other_key_reading_fails_cleanly(
    responder: SadpResponder, make_camera: CameraFactory
) -> None:
    camera = await make_camera()
    await camera.hard_reset()
    responder.cameras.append(camera)
    responder.key_mode = KeyMode.HEX
    client = client_for(responder)
    device = await client.find(camera.mac)
    assert device is not None
    with pytest.raises(SadpCommandFailedError, match="failed"):
        await client.activate(device, NEW_PASSWORD, key_mode=KeyMode.ASCII)
    assert not camera.active
    assert responder.requests["activate"] == 1  # never resent


@pytest.mark.parametrize("salt", [None, "fc5237" + "ab" * 29])
async def test_update_moves_the_camera(
    responder: SadpResponder, make_camera: CameraFactory, salt: str | None
) -> None:
    camera = await make_camera(password=NEW_PASSWORD)
    camera.salt = salt
    responder.cameras.append(camera)
    client = client_for(responder)
    device = await client.find(camera.mac)
    assert device is not None
    assert device.salt == salt
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    settings = NetworkSettings("127.0.0.1", "255.0.0.0", "127.0.0.1", http_port=port)
    with pytest.raises(SadpCommandFailedError):
        await client.update_network(device, "wrong-Passw0rd", settings)
    assert camera.sadp_failures == 1
    await client.update_network(device, NEW_PASSWORD, settings)
    assert camera.port == port
    assert camera.online


async def test_silent_device_times_out_and_nothing_is_resent(
    responder: SadpResponder, make_camera: CameraFactory
) -> None:
    camera = await make_camera()
    responder.cameras.append(camera)
    client = client_for(responder, timeout=0.3)
    device = await client.find(camera.mac)
    assert device is not None
    responder.silent = True
    with pytest.raises(SadpTimeoutError):
        await client.update_network(device, "x", NetworkSettings("127.0.0.1", "255.0.0.0", "0"))
    assert responder.requests["update"] == 1


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
    salted, is_salted = sadp.update_password("password", "ab" * 32, "admin")
    assert is_salted
    assert len(base64.b64decode(salted)) == 64


def test_exchange_key_is_pkcs1_der_of_1024_bits() -> None:
    key = sadp.new_exchange_key()
    der = base64.b64decode(sadp.encode_exchange_key(key))
    assert der[:4] == bytes.fromhex("30818902")  # SEQUENCE, then the 1024-bit modulus
    assert der.endswith(bytes.fromhex("0203010001"))  # e = 65537
    with pytest.raises(IsapiInvalidResponseError):
        sadp.open_exchange_code(key, "bm90IHNlYWxlZA==")
    random_text = sadp.new_random()
    for mode in KeyMode:
        sealed = sadp.seal_password(random_text, NEW_PASSWORD, mode)
        assert sadp.open_password(random_text, sealed, mode) == NEW_PASSWORD
    with pytest.raises(IsapiInvalidResponseError):
        sadp.open_password(random_text, sadp.seal_password(random_text, "x", KeyMode.HEX))


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
    monkeypatch.setenv(recovery.ENV_LISTEN, "off")
    monkeypatch.setenv(recovery.ENV_TARGETS, "127.0.0.1:9")

    async def broken(*_args: object) -> None:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(SadpClient, "_open", broken)
    assert await recovery.async_search() == []
    assert await recovery.async_find("c0:56:e3:00:00:01", None) is None
    assert await recovery.async_find(None, None) is None
    assert "Searching the network (SADP) failed: Network is unreachable" in caplog.text
