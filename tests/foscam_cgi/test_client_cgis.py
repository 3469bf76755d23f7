"""Every CGI of the document, called through FoscamCamera against the simulator.

Each check calls its CGI(s) over loopback and verifies the result: typed reply
fields, or for set_* CGIs the matching get_* reply and the simulator's state.
``test_cgi`` runs every check on a fresh camera; ``test_tour`` runs them all on
one camera and compares the CGIs the simulator saw with the document's 45.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import re
import uuid

import pytest

from custom_components.foscam_mjpeg.foscam_cgi import (
    CGI_PRIVILEGE,
    AlarmParams,
    AlarmStatus,
    BaudRate,
    CameraControlParam,
    CheckUserResult,
    DdnsParams,
    DdnsService,
    Device,
    Direction,
    FactoryDdns,
    FoscamCamera,
    FrameRate,
    FtpMode,
    FtpParams,
    FtpTestResult,
    ImageOrientation,
    LedMode,
    MailParams,
    MailTestResult,
    MailTls,
    MsnParams,
    PatrolType,
    PowerFrequency,
    Privilege,
    PtzCommand,
    Resolution,
    UpnpStatus,
    User,
    WeekSchedule,
    WifiCountry,
    WifiEncryption,
    WifiNetwork,
    WifiSecurity,
    WifiStatus,
)
from simulator import AlarmStatus as SimAlarmStatus, SimulatedCamera
from simulator.cgi_handlers import CGI_TABLE
from simulator.const import RESOLUTION_SIZES
from simulator.state import SerialWrite, WifiNetwork as SimWifiNetwork

from .conftest import (
    ASF_HEADER,
    SPEC_FILE,
    jpeg_size,
    load_cgi_list,
    rebooting,
    take,
    wait_until,
)

Check = Callable[[FoscamCamera, SimulatedCamera], Awaitable[None]]
CHECKS: dict[str, Check] = {}  # CGI name -> the check that calls it
COVERS: dict[Check, tuple[str, ...]] = {}

# ASF Data Object GUID (ASF specification, not the simulator).
ASF_DATA = uuid.UUID("75B22636-668E-11CF-A6D9-00AA0062CE6C").bytes_le
# Percent-encoding trouble makers and non-ASCII, 20 UTF-8 bytes (the alias limit).
ALIAS = "#&%+ '\"é名 ok;x=12"
# 12 UTF-8 bytes: the simulator's user table limit (firmware: "12 characters").
USER_PASSWORD = "#&% +'\"é!?x"
ALWAYS_BUT_TWO = WeekSchedule.always().with_slot(0, 0, False).with_slot(6, 95, False)


def covers(*cgis: str) -> Callable[[Check], Check]:
    """Register a check as the one that exercises ``cgis``."""

    def register(check: Check) -> Check:
        for cgi in cgis:
            assert cgi not in CHECKS, cgi
            CHECKS[cgi] = check
        COVERS[check] = cgis
        return check

    return register


async def streams_closed(cam: SimulatedCamera) -> None:
    """Wait until the simulator has seen every stream connection end."""
    await wait_until(lambda: cam.counters.stream_current == 0, what="stream close")


# --- status, video ---------------------------------------------------------------


@covers("check_user.cgi")
async def check_user(client: FoscamCamera, _cam: SimulatedCamera) -> None:
    """Log in: administrator level, the echoed password never kept."""
    result = await client.check_user()
    assert result == CheckUserResult(user="admin", privilege=Privilege.ADMINISTRATOR)
    assert result.privilege is Privilege.ADMINISTRATOR
    assert client.privilege is Privilege.ADMINISTRATOR
    assert "pwd" not in result.raw  # the camera echoes the password; never kept
    assert result.raw["pri"] == 3


@covers("snapshot.cgi")
async def check_snapshot(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Take a snapshot: one JPEG of the camera's current resolution."""
    before = cam.counters.snapshot_count
    jpeg = await client.snapshot()
    assert jpeg_size(jpeg) == RESOLUTION_SIZES[cam.state.camera.resolution]
    assert cam.counters.snapshot_count == before + 1


@covers("videostream.cgi")
async def check_videostream(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Stream MJPEG: distinct frames in order at the asked resolution."""
    frames = await take(client.stream_frames(Resolution.QVGA, FrameRate.FULL), 3)
    assert [jpeg_size(frame) for frame in frames] == [(320, 240)] * 3
    numbers = [int(re.search(rb"frame=(\d+)", f)[1]) for f in frames]  # type: ignore[index]
    assert numbers == sorted(set(numbers))  # three different, in order
    await streams_closed(cam)


@covers("videostream.asf")
async def check_videostream_asf(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Stream ASF: the ASF header first, then data packets."""
    chunks = await take(client.videostream_asf(Resolution.QQVGA, FrameRate.FULL), 3)
    data = b"".join(chunks)
    assert all(chunks)
    assert data.startswith(ASF_HEADER)
    assert ASF_DATA in data
    await streams_closed(cam)


@covers("get_status.cgi")
async def check_get_status(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Status fields (identity, alarm, UPnP, Wi-Fi, clock) parse into their types."""
    cam.trigger_alarm(SimAlarmStatus.MOTION)
    cam.state.status.upnp_status = 1
    cam.state.status.wifi_status = 1
    try:
        status = await client.get_status()
    finally:
        cam.trigger_alarm(SimAlarmStatus.NONE)
        cam.state.status.upnp_status = cam.state.status.wifi_status = 0
    state = cam.state
    assert (status.id, status.alias, status.sys_ver, status.app_ver) == (
        state.id,
        state.alias,
        state.sys_ver,
        state.app_ver,
    )
    assert status.alarm_status is AlarmStatus.MOTION
    assert status.upnp_status is UpnpStatus.SUCCEED
    assert status.wifi_status is WifiStatus.WIFI
    assert status.tz == state.settings.datetime.tz
    assert status.now is not None
    assert abs(status.now - state.now) <= 2


@covers("get_camera_params.cgi")
async def check_get_camera_params(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Image settings parse into their enums and values."""
    image = cam.state.settings.camera
    image.brightness, image.contrast, image.mode = 200, 5, 1
    params = await client.get_camera_params()
    assert params.resolution == image.resolution
    assert isinstance(params.resolution, Resolution)
    assert (params.brightness, params.contrast) == (200, 5)
    assert params.mode is PowerFrequency.HZ_60
    assert params.flip == image.flip
    assert isinstance(params.flip, ImageOrientation)


# --- control (operator) ----------------------------------------------------------


@covers("decoder_control.cgi")
async def check_decoder_control(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Pan/tilt commands, presets, mirrored moves and the IO output reach the motor."""
    ptz = cam.state.ptz
    start = len(cam.commands)
    await client.decoder_control(PtzCommand.CENTER)
    assert (ptz.pan, ptz.tilt) == pytest.approx((180, 45))
    await client.decoder_control(PtzCommand.RIGHT, onestep=True, degree=10)
    assert (ptz.pan, ptz.tilt) == pytest.approx((190, 45))
    await client.ptz_move(Direction.UP)
    assert ptz.tilt == pytest.approx(90)  # end of travel
    await client.ptz_stop()
    await client.preset_set(3)
    await client.decoder_control(PtzCommand.CENTER)
    await client.preset_go(3)
    assert (ptz.pan, ptz.tilt) == pytest.approx((190, 90))
    # On a mirrored image the web UI pans right for "left" (firmware fact).
    await client.ptz_move(Direction.LEFT, ImageOrientation.MIRROR)
    assert ptz.pan == pytest.approx(360)
    await client.ptz_stop()
    assert not ptz.moving
    await client.set_io_output(True)
    output_on = cam.state.io_output
    await client.set_io_output(False)
    assert (output_on, cam.state.io_output) == (True, False)
    assert cam.commands[start:] == [25, 6, 0, 1, 34, 25, 35, 6, 1, 94, 95]


@covers("set_extra_io.cgi")
async def check_set_extra_io(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Set and clear the extra IO bits."""
    await client.set_extra_io(0b1010_0101)
    assert cam.state.extra_io == 0xA5
    await client.set_extra_io(0)
    assert cam.state.extra_io == 0


@covers("camera_control.cgi")
async def check_camera_control(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Orientation, brightness and resolution changes reach the camera."""
    await client.camera_control(CameraControlParam.FLIP, ImageOrientation.FLIP_MIRROR)
    await client.camera_control(CameraControlParam.BRIGHTNESS, 17)
    await client.camera_control(CameraControlParam.RESOLUTION, Resolution.QVGA)
    image = cam.state.camera
    assert (image.flip, image.brightness, image.resolution) == (3, 17, 8)
    await client.camera_control(CameraControlParam.FLIP, ImageOrientation.NORMAL)
    await client.camera_control(CameraControlParam.RESOLUTION, Resolution.VGA)
    assert (image.flip, image.resolution) == (0, 32)


@covers("comm_write.cgi")
async def check_comm_write(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Bytes written to the serial port arrive with port and baud rate."""
    await client.comm_write(2, BaudRate.B19200, b"AT#&%+ \x01\r\n")
    assert cam.state.serial_writes[-1] == SerialWrite(2, 14, "AT#&%+ \x01\r\n")


# --- system (administrator) ---------------------------------------------------------


@covers("reboot.cgi")
async def check_reboot(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Reboot: the camera boots once more and answers again afterwards."""
    before = cam.state.boot_count
    await rebooting(cam, client.reboot())
    assert cam.state.boot_count == before + 1
    assert (await client.get_status()).id == cam.state.id


@covers("restore_factory.cgi")
async def check_restore_factory(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Reset to factory: the default alias and settings come back."""
    settings = cam.state.settings
    settings.alias = "Temporary"
    settings.upnp.enable = 1
    await rebooting(cam, client.restore_factory())
    assert cam.state.alias == cam.config.alias
    assert cam.state.settings.upnp.enable == 0
    assert (await client.get_status()).alias == cam.config.alias


@covers("get_params.cgi")
async def check_get_params(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Every section of get_params (users, devices, network, mail, ...) parses."""
    s = cam.state.settings
    params = await client.get_params()
    assert (params.id, params.alias, params.sys_ver) == (
        cam.state.id,
        s.alias,
        cam.state.sys_ver,
    )
    assert (params.tz, params.ntp_svr, params.ntp_enable) == (
        s.datetime.tz,
        s.datetime.ntp_svr,
        bool(s.datetime.ntp_enable),
    )
    assert [(u.slot, u.name, u.password, u.privilege) for u in params.users] == [
        (n, slot.name, slot.pwd, Privilege(slot.pri + 1))
        for n, slot in enumerate(s.users, 1)
    ]
    assert params.users[0] == User(1, "admin", "admin", Privilege.ADMINISTRATOR)
    assert [d.slot for d in params.devices] == list(range(2, 10))  # beyond the doc
    assert (params.ip, params.mask, params.port) == (
        s.network.ip,
        s.network.mask,
        cam.port,
    )
    assert params.decoder_baud == s.decoder.baud
    assert isinstance(params.decoder_baud, BaudRate)
    assert params.wifi is not None
    assert params.wifi.channel == s.wifi.channel
    assert params.mail is not None
    assert params.mail.port == s.mail.port
    assert params.ftp is not None
    assert params.ftp.port == s.ftp.port
    assert params.alarm is not None
    assert params.alarm.motion_sensitivity == s.alarm.motion_sensitivity
    assert params.msn is not None
    assert params.upnp_enable == bool(s.upnp.enable)


async def _check_upgrade(
    cam: SimulatedCamera, cgi: str, upload: Callable[[bytes], Awaitable[None]]
) -> None:
    """Upload an image through the CGI and check the camera stored it unchanged."""
    image = bytes(range(256)) * 64 + b"\r\n--boundary--\r\n" + cgi.encode()
    await rebooting(cam, upload(image))
    assert cam.state.uploads[cgi] == image


@covers("upgrade_firmware.cgi")
async def check_upgrade_firmware(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Upload firmware: it arrives byte for byte."""
    await _check_upgrade(
        cam,
        "upgrade_firmware.cgi",
        lambda data: client.upgrade_firmware(data, "fw.bin"),
    )


@covers("upgrade_htmls.cgi")
async def check_upgrade_htmls(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Upload the web UI: it arrives byte for byte."""
    await _check_upgrade(cam, "upgrade_htmls.cgi", client.upgrade_htmls)


@covers("set_alias.cgi")
async def check_set_alias(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Set a 20-byte alias: kept and reported by get_status."""
    assert len(ALIAS.encode()) == 20
    await client.set_alias(ALIAS)
    assert cam.state.alias == ALIAS
    assert (await client.get_status()).alias == ALIAS


@covers("set_datetime.cgi")
async def check_set_datetime(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Clock settings are set; a partial set keeps the others."""
    await client.set_datetime(
        now=1_700_000_000,
        tz=18000,
        daylight_saving_time=3600,
        ntp_enable=False,
        ntp_svr="pool.ntp.org",
    )
    clock = cam.state.settings.datetime
    assert (clock.tz, clock.daylight_saving_time, clock.ntp_enable, clock.ntp_svr) == (
        18000,
        3600,
        0,
        "pool.ntp.org",
    )
    status = await client.get_status()
    assert status.utc_offset == -18000  # tz is seconds west (firmware fact)
    assert status.now is not None
    assert abs(status.now - 1_700_000_000) <= 5
    await client.set_datetime(tz=0)  # partial set: the rest is kept
    assert (clock.tz, clock.ntp_svr) == (0, "pool.ntp.org")


@covers("set_users.cgi")
async def check_set_users(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Write a new user slot: the others are kept and the new login works."""
    before = {u.slot: u for u in (await client.get_params()).users}
    guest = User(5, "guest", USER_PASSWORD, Privilege.OPERATOR)
    await client.set_users([guest])
    after = {u.slot: u for u in (await client.get_params()).users}
    assert after[5] == guest
    assert {n: u for n, u in after.items() if n != 5} == {
        n: u for n, u in before.items() if n != 5
    }
    # The new login works (a client with a session of its own).
    async with FoscamCamera(
        cam.host, cam.port, "guest", USER_PASSWORD, request_timeout=2
    ) as own:
        assert (await own.check_user()).privilege is Privilege.OPERATOR


@covers("set_devices.cgi")
async def check_set_devices(client: FoscamCamera, _cam: SimulatedCamera) -> None:
    """Write a multi-device slot with awkward characters; the others are kept."""
    before = {d.slot: d for d in (await client.get_params()).devices}
    garage = Device(3, "Garage é", "cam-3.example", 8080, "viewer", "d&v #pw")
    await client.set_devices([garage])
    after = {d.slot: d for d in (await client.get_params()).devices}
    assert after[3] == garage
    assert {n: d for n, d in after.items() if n != 3} == {
        n: d for n, d in before.items() if n != 3
    }


@covers("set_network.cgi")
async def check_set_network(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Change the network: the full set is sent, address, mask, gateway, port kept."""
    before = await client.get_params()
    # The simulator rejects partial sets: success proves the full set was sent.
    await client.set_network(dns="127.0.0.53", dhcp_vendor="vendor #1 &")
    after = await client.get_params()
    assert (after.dns, after.dhcp_vendor) == ("127.0.0.53", "vendor #1 &")
    assert (after.ip, after.mask, after.gateway, after.port) == (
        before.ip,
        before.mask,
        before.gateway,
        before.port,
    )
    assert cam.state.settings.network.dns == "127.0.0.53"


@covers("set_wifi.cgi")
async def check_set_wifi(client: FoscamCamera, _cam: SimulatedCamera) -> None:
    """Wi-Fi settings with awkward characters are written; the WEP keys are kept."""
    before = (await client.get_params()).wifi
    assert before is not None
    await client.set_wifi(
        enable=True,
        ssid="Calvin&Cici é",
        channel=11,
        encrypt=WifiEncryption.WPA2_AES,
        wpa_psk="#&% +'\"psk ü",
        country=WifiCountry.JAPAN,
    )
    wifi = (await client.get_params()).wifi
    assert wifi is not None
    assert (wifi.enable, wifi.ssid, wifi.channel, wifi.wpa_psk) == (
        True,
        "Calvin&Cici é",
        11,
        "#&% +'\"psk ü",
    )
    assert wifi.encrypt is WifiEncryption.WPA2_AES
    assert wifi.country is WifiCountry.JAPAN
    assert (wifi.defkey, wifi.key1, wifi.mode) == (
        before.defkey,
        before.key1,
        before.mode,
    )


@covers("set_pppoe.cgi")
async def check_set_pppoe(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """PPPoE settings with awkward characters are written."""
    await client.set_pppoe(
        enable=True, user="dsl#user", password="p&ss w%+", mail_ip=True
    )
    params = await client.get_params()
    assert (params.pppoe_enable, params.pppoe_user, params.pppoe_pwd) == (
        True,
        "dsl#user",
        "p&ss w%+",
    )
    assert cam.state.settings.pppoe.mail_ip == 1


@covers("set_upnp.cgi")
async def check_set_upnp(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """UPnP is switched on and off."""
    await client.set_upnp(True)
    assert (await client.get_params()).upnp_enable is True
    await client.set_upnp(False)
    assert cam.state.settings.upnp.enable == 0


@covers("set_ddns.cgi")
async def check_set_ddns(client: FoscamCamera, _cam: SimulatedCamera) -> None:
    """DDNS settings are written, the proxy kept, and the host reported."""
    before = (await client.get_params()).ddns
    assert before is not None
    await client.set_ddns(
        service=DdnsService.DYNDNS,
        user="ddns user",
        password="dd#ns&pw %",
        host="cam.example.org",
        restart_dyndns=True,
    )
    ddns = (await client.get_params()).ddns
    assert ddns == DdnsParams(
        service=DdnsService.DYNDNS,
        user="ddns user",
        password="dd#ns&pw %",
        host="cam.example.org",
        proxy_svr=before.proxy_svr,
        proxy_port=before.proxy_port,
    )
    assert (await client.get_status()).ddns_host == "cam.example.org"


@covers("set_ftp.cgi")
async def check_set_ftp(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Every FTP setting round-trips, the password with awkward characters."""
    settings = {
        "svr": "ftp.example.org",
        "port": 2121,
        "user": "ftp user",
        "password": "f#&% +pw'\"",
        "dir": "/up load",
        "mode": FtpMode.PASV,
        "retain": True,
        "upload_interval": 30,
        "filename": "cam é",
        "numberoffiles": 5,
        "schedule_enable": True,
        "schedule": ALWAYS_BUT_TWO,
    }
    await client.set_ftp(**settings)  # type: ignore[arg-type]
    assert (await client.get_params()).ftp == FtpParams(**settings)  # type: ignore[arg-type]
    assert cam.state.settings.ftp.pwd == "f#&% +pw'\""


@covers("set_mail.cgi")
async def check_set_mail(client: FoscamCamera, _cam: SimulatedCamera) -> None:
    """Mail settings are written; the unset receivers are kept."""
    before = (await client.get_params()).mail
    assert before is not None
    await client.set_mail(
        svr="smtp.example.org",
        port=587,
        tls=MailTls.STARTTLS,
        user="mailer",
        password="m@il #&%+ pw",
        sender="cam@example.org",
        receiver1="me@example.org",
        inet_ip=True,
    )
    assert (await client.get_params()).mail == MailParams(
        svr="smtp.example.org",
        port=587,
        tls=MailTls.STARTTLS,
        user="mailer",
        password="m@il #&%+ pw",
        sender="cam@example.org",
        receiver1="me@example.org",
        receiver2=before.receiver2,
        receiver3=before.receiver3,
        receiver4=before.receiver4,
        inet_ip=True,
    )


@covers("set_msn.cgi")
async def check_set_msn(client: FoscamCamera, _cam: SimulatedCamera) -> None:
    """MSN settings are written; the unset friends come back empty."""
    await client.set_msn(
        user="msn@example.org",
        password="msn #&pw",
        friend1="a@example.org",
        friend10="j@example.org",
    )
    msn = (await client.get_params()).msn
    assert msn == MsnParams(
        user="msn@example.org",
        password="msn #&pw",
        friend1="a@example.org",
        **{f"friend{n}": "" for n in range(2, 10)},
        friend10="j@example.org",
    )


@covers("set_alarm.cgi")
async def check_set_alarm(client: FoscamCamera, _cam: SimulatedCamera) -> None:
    """Every alarm setting round-trips; a partial set keeps the rest."""
    schedule = WeekSchedule().with_slot(1, 32).with_slot(5, 95)
    settings = {
        "motion_armed": True,
        "motion_sensitivity": 7,
        "motion_compensation": True,
        "input_armed": True,
        "ioin_level": 1,
        "sounddetect_armed": True,
        "sounddetect_sensitivity": 2,
        "iolinkage": True,
        "preset": 3,
        "ioout_level": 1,
        "mail": True,
        "upload_interval": 10,
        "http": True,
        "http_url": "http://127.0.0.1/alarm?a=1&b=%20#x",
        "schedule_enable": True,
        "schedule": schedule,
    }
    await client.set_alarm(**settings)  # type: ignore[arg-type]
    assert (await client.get_params()).alarm == AlarmParams(**settings)  # type: ignore[arg-type]
    await client.set_alarm(motion_armed=False)  # partial set: the rest is kept
    alarm = (await client.get_params()).alarm
    assert alarm is not None
    assert (alarm.motion_armed, alarm.preset, alarm.schedule) == (False, 3, schedule)


@covers("set_forbidden.cgi", "get_forbidden.cgi")
async def check_forbidden(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Round-trip the forbidden schedule as unsigned 32-bit words, then clear it."""
    words = tuple(
        (0xFFFFFFFF, 0x80000000 >> day, day) for day in range(7)
    )  # unsigned 32-bit words survive
    schedule = WeekSchedule(words)
    await client.set_forbidden(enabled=True, schedule=schedule)
    forbidden = await client.get_forbidden()
    assert (forbidden.enabled, forbidden.schedule) == (True, schedule)
    assert forbidden.schedule.is_set(0, 31)
    assert cam.state.settings.forbidden.schedule == tuple(w for d in words for w in d)
    await client.set_forbidden(enabled=False, schedule=WeekSchedule())
    forbidden = await client.get_forbidden()
    assert (forbidden.enabled, forbidden.schedule) == (False, WeekSchedule())


@covers("set_misc.cgi", "get_misc.cgi")
async def check_misc(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Misc settings are written; a partial set keeps the rest."""
    before = await client.get_misc()
    await client.set_misc(
        led_mode=LedMode.OFF,
        ptz_auto_patrol_type=PatrolType.BOTH,
        ptz_patrol_rate=42,
        ptz_disable_preset=True,
        ptz_preset_onstart=16,
    )
    misc = await client.get_misc()
    assert misc.led_mode is LedMode.OFF
    assert misc.ptz_auto_patrol_type is PatrolType.BOTH
    assert (misc.ptz_patrol_rate, misc.ptz_disable_preset, misc.ptz_preset_onstart) == (
        42,
        True,
        16,
    )
    assert misc.ptz_center_onstart == before.ptz_center_onstart  # partial set
    assert misc.ptz_patrol_up_rate == before.ptz_patrol_up_rate
    assert cam.state.misc.led_mode == 2
    await client.set_misc(ptz_preset_onstart=0, ptz_disable_preset=False)


@covers("set_decoder.cgi")
async def check_set_decoder(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Set the decoder baud rate: read back as its enum."""
    await client.set_decoder(BaudRate.B115200)
    assert (await client.get_params()).decoder_baud is BaudRate.B115200
    assert cam.state.settings.decoder.baud == 4098


@covers("wifi_scan.cgi", "get_wifi_scan_result.cgi")
async def check_wifi_scan(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Scan Wi-Fi: networks listed, SSIDs with quotes and backslashes intact."""
    await client.wifi_scan()
    networks = await client.get_wifi_scan_result()
    assert networks == [
        WifiNetwork(
            bssid=n.bssid, ssid=n.ssid, mode=n.mode, security=WifiSecurity(n.security)
        )
        for n in cam.state.wifi_networks
    ]
    assert networks[2].ssid == "Calvin&Cici"
    cam.state.wifi_networks = [
        SimWifiNetwork("001122334455", "Café 'x' \"y\" \\ z", 1, 6)
    ]
    assert await client.get_wifi_scan_result() == [
        WifiNetwork(
            bssid="001122334455",
            ssid="Café 'x' \"y\" \\ z",
            mode=1,
            security=WifiSecurity.UNSUPPORTED,
        )
    ]


@covers("get_log.cgi")
async def check_get_log(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Read the camera's log: it ends with this access."""
    await client.check_user()  # the camera logs the access
    lines = await client.get_log()
    assert lines == cam.state.log
    assert "system start" in lines[0]
    assert "admin" in lines[-1]
    assert lines[-1].endswith("access")


@covers("test_mail.cgi")
async def check_test_mail(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Mail test results map to their enum; unknown codes stay raw ints."""
    for raw, expected in [
        (0, MailTestResult.SUCCEED),
        (13, MailTestResult.SERVER_NO_TLS),
        (-5, -5),  # outside the table: kept as a raw int
    ]:
        cam.state.test_mail_result = raw
        result = await client.test_mail()
        assert result == expected
        assert type(result) is type(expected)


@covers("test_ftp.cgi")
async def check_test_ftp(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """FTP test results map to their enum; unknown codes stay raw ints."""
    for raw, expected in [
        (0, FtpTestResult.SUCCEED),
        (-1, FtpTestResult.CANNOT_CONNECT),
        (1, FtpTestResult.CANNOT_CONNECT),  # the document prints 1
        (-9, FtpTestResult.STOR_ERROR),
        (7, 7),
    ]:
        cam.state.test_ftp_result = raw
        result = await client.test_ftp()
        assert result == expected
        assert type(result) is type(expected)


@covers("backup_params.cgi", "restore_params.cgi")
async def check_backup_restore(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Back up parameters: restoring brings back the changed alias and LED mode."""
    blob = await client.backup_params()
    assert isinstance(blob, bytes)
    assert blob.startswith(b"IPCAMPRM")
    original = cam.state.alias
    cam.state.settings.alias = "Changed"
    cam.state.settings.misc.led_mode = 1 if cam.state.misc.led_mode != 1 else 2
    led_mode = cam.state.misc.led_mode
    await rebooting(cam, client.restore_params(blob))
    assert cam.state.uploads["restore_params.cgi"] == blob
    assert (await client.get_status()).alias == original
    assert cam.state.misc.led_mode != led_mode


@covers("set_factory_params.cgi")
async def check_set_factory_params(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Upload factory parameters: no reboot."""
    data = b"FACTORY\x00" + bytes(range(256))
    boots = cam.state.boot_count
    await client.set_factory_params(data)
    assert cam.state.uploads["set_factory_params.cgi"] == data
    assert cam.state.boot_count == boots


@covers("set_mac.cgi")
async def check_set_mac(client: FoscamCamera, cam: SimulatedCamera) -> None:
    """Set a MAC address in either notation: it becomes the camera's id."""
    await client.set_mac("00:12:A0:74:6F:01")
    assert cam.state.id == "0012A0746F01"
    assert (await client.get_status()).id == "0012A0746F01"
    await client.set_mac("00-12-a0-74-6f-02")
    assert cam.state.id == "0012A0746F02"


@covers("set_factory_ddns.cgi", "get_factory_ddns.cgi", "restore_factory_ddns.cgi")
async def check_factory_ddns(client: FoscamCamera, _cam: SimulatedCamera) -> None:
    """Set and read factory DDNS; restoring it fills the DDNS settings."""
    values = {
        "service": DdnsService.ORAY,
        "user": "oray user",
        "password": "fd#&% pw",
        "host": "f.example.org",
        "proxy_svr": "proxy.example.org",
        "proxy_port": 8080,
    }
    await client.set_factory_ddns(**values)  # type: ignore[arg-type]
    factory = await client.get_factory_ddns()
    assert factory == FactoryDdns(**values)  # type: ignore[arg-type]
    assert factory.raw["factory_ddns_host"] == "f.example.org"
    assert (await client.get_params()).ddns != DdnsParams(**values)  # type: ignore[arg-type]
    await client.restore_factory_ddns()
    assert (await client.get_params()).ddns == DdnsParams(**values)  # type: ignore[arg-type]


UNIQUE_CHECKS = list(COVERS)


# --- the tests -------------------------------------------------------------------


@pytest.mark.parametrize("check", UNIQUE_CHECKS, ids=lambda check: check.__name__)
async def test_cgi(check: Check, admin: FoscamCamera, cam: SimulatedCamera) -> None:
    """One check on a fresh camera; the simulator saw each of its CGIs."""
    await check(admin, cam)
    for cgi in COVERS[check]:
        assert cam.counters.requests[cgi] >= 1, cgi


async def test_tour(admin: FoscamCamera, cam: SimulatedCamera) -> None:
    """All checks on one camera: the CGIs it saw are exactly the document's 45."""
    for check in UNIQUE_CHECKS:
        await check(admin, cam)
    covered = set(cam.counters.requests)
    expected = set(load_cgi_list())
    assert len(expected) == 45
    assert covered == expected


def test_cgi_lists_agree() -> None:
    """Fixture file, client permission table and the checks name the same 45."""
    listed = load_cgi_list()
    assert len(listed) == 45
    assert len(set(listed)) == 45
    assert set(CGI_PRIVILEGE) == set(listed)
    assert set(CHECKS) == set(listed)


def test_privilege_tables_agree() -> None:
    """Client and simulator (written independently) need the same privileges."""
    assert {cgi: CGI_PRIVILEGE[cgi] for cgi in CHECKS} == {
        cgi: None if entry.privilege is None else int(entry.privilege)
        for cgi, entry in CGI_TABLE.items()
    }


def parse_contents_table(text: str) -> list[str]:
    """CGI names of the document's contents table (lower case, in order)."""
    lines = text.splitlines()
    start = lines.index("Content") + 1
    names: list[str] = []
    for line in lines[start:]:
        if line.lower().startswith("ip camera cgi introduction") and names:
            break
        if match := re.fullmatch(r"(\w+\.(?:cgi|asf))\.*\t\d+\s*", line):
            names.append(match[1].lower())
    return names


def test_document_contents_table() -> None:
    """The vendor document (when present next to the clone) lists the fixture's 45."""
    if not SPEC_FILE.exists():
        pytest.skip(f"{SPEC_FILE} not present")
    assert parse_contents_table(SPEC_FILE.read_text(encoding="utf-8")) == (
        load_cgi_list()
    )
