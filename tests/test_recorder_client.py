"""A recorder's cameras, through the HA-free client: the channel list, their state, the routes.

Against the simulated recorder over real HTTP on loopback, and against real recorders' channel
lists (hikvision_next's captures of four NVRs, turned back into the XML they came from).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import json
from typing import Any
from xml.sax.saxutils import escape

import aiohttp
import pytest

from custom_components.hikvision_reset.isapi import IsapiClient, IsapiNotSupportedError
from custom_components.hikvision_reset.isapi.recorder import (
    RecorderClient,
    parse_channels,
    parse_states,
)
from simulator import PoeChannel, SimulatedCamera, SimulatedRecorder

from .helpers import FIXTURES, PASSWORD, CameraFactory

DUMPS = FIXTURES / "hikvision_next_devices_json"


def to_xml(name: str, node: Any) -> str:
    """An xmltodict dump back to XML (``@`` keys are attributes, ``#text`` the text)."""
    if isinstance(node, list):
        return "".join(to_xml(name, item) for item in node)
    if not isinstance(node, dict):
        return f"<{name}>{escape('' if node is None else str(node))}</{name}>"
    attributes = "".join(f' {k[1:]}="{escape(str(v))}"' for k, v in node.items() if k[0] == "@")
    inner = escape(str(node.get("#text", "")))
    inner += "".join(to_xml(k, v) for k, v in node.items() if k[0] not in "@#")
    return f"<{name}{attributes}>{inner}</{name}>"


def dump(model: str) -> dict[str, Any]:
    path = DUMPS / f"{model}.json"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return dict(json.loads(path.read_text())["data"]["ISAPI"])


@pytest.mark.parametrize(
    ("model", "count", "dev_indexes", "hikvision"),
    [
        ("DS-7608NXI-I2", 4, 3, 4),  # channel 4 offline: no model, no devIndex
        ("DS-7616NI-K2", 6, 6, 6),  # its size says 10
        ("DS-7616NI-Q2", 9, 0, 9),  # older firmware: no model, serial or devIndex; size 7
        ("DS-7732NI-M4", 18, 10, 10),  # eight ONVIF cameras among them; size 14
    ],
)
def test_real_channel_lists(model: str, count: int, dev_indexes: int, hikvision: int) -> None:
    document = dump(model)["ContentMgmt/InputProxy/channels"]["response"]
    channels = parse_channels(to_xml("InputProxyChannelList", document["InputProxyChannelList"]))
    assert len(channels) == count  # whatever the list's size attribute says
    assert sum(c.dev_index is not None for c in channels) == dev_indexes
    assert sum(c.hikvision for c in channels) == hikvision
    assert [c.id for c in channels] == sorted(c.id for c in channels)
    first = channels[0]
    assert first.virtual_host_port == 65000 + first.id


def test_real_channel_list_details() -> None:
    document = dump("DS-7608NXI-I2")["ContentMgmt/InputProxy/channels"]["response"]
    [garden, *_rest, gate] = parse_channels(
        to_xml("InputProxyChannelList", document["InputProxyChannelList"])
    )
    assert (garden.id, garden.name, garden.model) == (1, "garden", "DS-2CD2386G2-IU")
    assert garden.plug_and_play
    assert garden.serial_number == "DS-2CD2386G2-IU00000000AAWRK00000001"
    assert garden.dev_index == "99547530-e306-4229-97b3-a437defc006d"
    assert (gate.id, gate.model, gate.dev_index) == (4, None, None)
    # The DVRs list no channel at all, whatever their size says.
    dvr = dump("iDS-7204HUHI-M1")["ContentMgmt/InputProxy/channels"]["response"]
    assert parse_channels(to_xml("InputProxyChannelList", dvr["InputProxyChannelList"])) == []


def test_status_lists_read_leniently() -> None:
    body = (
        '<InputProxyChannelStatusList xmlns="http://www.hikvision.com/ver20/XMLSchema">'
        "<InputProxyChannelStatus><id>1</id><online>true</online>"
        "<chanDetectResult>connect</chanDetectResult></InputProxyChannelStatus>"
        "<InputProxyChannelStatus><id>2</id></InputProxyChannelStatus>"  # firmware that omits it
        "<InputProxyChannelStatus><id>x</id><online>true</online></InputProxyChannelStatus>"
        "</InputProxyChannelStatusList>"
    )
    states = parse_states(body)
    assert set(states) == {1, 2}
    assert (states[1].online, states[1].detail) == (True, "connect")
    assert (states[2].online, states[2].detail) == (None, None)


@pytest.fixture
async def recorder(
    make_camera: CameraFactory, socket_enabled: None
) -> AsyncIterator[SimulatedRecorder]:
    front = await make_camera(name="Front", model="DS-2CD2143G2-I", mac="c0:56:e3:00:01:01")
    back = await make_camera(name="Back", model="DS-2CD2386G2-ISU/SL", mac="c0:56:e3:00:01:02")
    nvr = SimulatedRecorder(
        password=PASSWORD,
        channels=[
            PoeChannel(1, front, "127.0.254.1", PASSWORD),
            PoeChannel(2, back, "127.0.254.2", PASSWORD),
        ],
        reboot_seconds=0.2,
    )
    await nvr.start()
    yield nvr
    await nvr.close()


def nvr_client(session: aiohttp.ClientSession, nvr: SimulatedRecorder, **kwargs: Any) -> Any:
    return IsapiClient(session, nvr.host, port=nvr.port, password=PASSWORD, **kwargs)


async def test_channels_states_and_a_channel_reboot(recorder: SimulatedRecorder) -> None:
    async with aiohttp.ClientSession() as session:
        client = RecorderClient(nvr_client(session, recorder))
        channels = await client.channels()
        assert [(c.id, c.model, c.address) for c in channels] == [
            (1, "DS-2CD2143G2-I", "127.0.254.1"),
            (2, "DS-2CD2386G2-ISU/SL", "127.0.254.2"),
        ]
        assert {n: s.online for n, s in (await client.states()).items()} == {1: True, 2: True}
        await client.reboot_channel(2)
        assert recorder.channel_reboots == [2]
        assert recorder.restores == []  # the recorder itself restored nothing
        assert recorder.channel(2).camera.reboots == 1


async def test_dev_index_forwarding_reaches_the_camera(recorder: SimulatedRecorder) -> None:
    front = recorder.channel(1)
    async with aiohttp.ClientSession() as session:
        forwarded = nvr_client(session, recorder, forward={"devIndex": front.dev_index})
        info = await forwarded.device_info()
        assert info.serial_number == front.camera.serial_number
        await forwarded.restore_defaults()
    assert front.camera.restores == ["basic"]
    assert recorder.restores == []
    assert front.forwarded >= 2


async def test_the_virtual_host_opens_the_camera_s_own_web_port(
    recorder: SimulatedRecorder,
) -> None:
    back = recorder.channel(2)
    async with aiohttp.ClientSession() as session:
        client = RecorderClient(nvr_client(session, recorder))
        assert await client.virtual_host() is False
        await client.enable_virtual_host()
        assert await client.virtual_host() is True
        camera = IsapiClient(session, recorder.host, port=65002, password=PASSWORD)
        assert (await camera.device_info()).serial_number == back.camera.serial_number
        assert back.vh_requests >= 2
        recorder.virtual_host_setting = False  # a recorder without the setting
        assert await client.virtual_host() is None
        with pytest.raises(IsapiNotSupportedError):
            await client.enable_virtual_host()


async def test_a_reset_camera_behind_the_recorder(
    recorder: SimulatedRecorder, camera: SimulatedCamera
) -> None:
    front = recorder.channel(1)
    await front.camera.reset_in_place()
    async with aiohttp.ClientSession() as session:
        client = RecorderClient(nvr_client(session, recorder))
        states = await client.states()
        assert (states[1].online, states[1].detail) == (False, "errorUserNameOrPasswd")
        forwarded = nvr_client(session, recorder, forward={"devIndex": front.dev_index})
        assert await forwarded.is_activated() is False  # asked through the recorder
        recorder.auto_activate = True  # a recorder that activates its PoE cameras itself
        assert (await client.states())[1].online is True
        assert front.camera.password == PASSWORD
