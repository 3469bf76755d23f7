"""Async client for one Foscam IP Camera CGI v1.x camera (45 CGIs of doc v1.27).

The embedded server is slow and fragile (protocol facts "HTTP server"): every
request except the video streams is serialised by a per-camera lock, every
request has an explicit timeout and every reply body is size-capped.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager
from dataclasses import fields
from enum import StrEnum
import logging
import re
from types import TracebackType
from typing import TYPE_CHECKING, Final, Protocol, Self, TypedDict, Unpack
from urllib.parse import quote, quote_from_bytes

import aiohttp
from aiohttp import hdrs
from yarl import URL

from .const import (
    CGI_PRIVILEGE,
    SERVICE_CREDENTIAL_CGIS,
    BaudRate,
    CameraControlParam,
    Direction,
    FrameRate,
    FtpTestResult,
    ImageOrientation,
    MailTestResult,
    Privilege,
    PtzCommand,
    Resolution,
    preset_go_command,
    preset_set_command,
)
from .exceptions import (
    FoscamAuthenticationError,
    FoscamCommandError,
    FoscamConnectionError,
    FoscamNotSupportedError,
    FoscamPrivilegeError,
    FoscamResponseError,
    connection_error,
)
from .mjpeg import DEFAULT_MAX_FRAME_SIZE, parse_boundary
from .models import (
    AlarmSettings,
    CameraParams,
    CheckUserResult,
    DatetimeSettings,
    DdnsSettings,
    Device,
    FactoryDdns,
    ForbiddenSchedule,
    FtpSettings,
    MailSettings,
    Misc,
    MiscSettings,
    MsnSettings,
    NetworkSettings,
    Params,
    Status,
    User,
    WeekSchedule,
    WifiNetwork,
    WifiSettings,
    to_enum,
    to_str,
)
from .parser import Value, parse_vars
from .ptz import direction_command
from .stream import FrameHandler, FrameQueue, MjpegConnection, http_get

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_LOGGER = logging.getLogger(__name__)

TEXT_MAX_SIZE: Final = 1024 * 1024
BINARY_MAX_SIZE: Final = 8 * 1024 * 1024  # snapshot.cgi, backup_params.cgi
UPLOAD_TIMEOUT: Final = 300.0  # firmware upgrades are slow
DEFAULT_ASF_CHUNK_SIZE: Final = 64 * 1024
_READ_CHUNK: Final = 64 * 1024
_MAX_REASON: Final = 200
_USER_SLOTS: Final = 8
_DEVICE_SLOTS: Final = range(2, 5)
_MAC: Final = re.compile(r"[0-9a-f]{12}")

# Keyword -> query name where they differ. On the service CGIs ``pwd`` is the
# service password (the camera login goes as cam_user/cam_pwd).
_QUERY_NAMES: Final[Mapping[str, Mapping[str, str]]] = {
    **{cgi: {"password": "pwd"} for cgi in SERVICE_CREDENTIAL_CGIS},
    "set_mail.cgi": {"password": "pwd", "inet_ip": "mail_inet_ip"},
}

type Query = Mapping[str, object]
type FormFactory = Callable[[], aiohttp.FormData]


class _FetchOptions(TypedDict, total=False):
    """How one request is sent and its reply read (``_fetch``, ``_request``)."""

    max_size: int  # default TEXT_MAX_SIZE
    form: FormFactory  # POST this multipart form instead of GET
    client_timeout: aiohttp.ClientTimeout  # default: the request timeout


class _Reply(Protocol):
    """A reply whose status is known (aiohttp's, or a stream connection)."""

    status: int

    def close(self) -> None:
        """Drop the connection."""


def basic_authorization(username: str, password: str) -> str:
    """Return the Authorization header value for HTTP Basic auth (UTF-8, RFC 7617)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


class AuthMode(StrEnum):
    """How the camera login is sent."""

    BASIC = "basic"  # HTTP Basic
    QUERY = "query"  # ?user=&pwd= (or cam_user/cam_pwd)


def _encode_value(value: object) -> str:
    """Percent-encode one query value (UTF-8, nothing left unescaped)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        return quote(value, safe="")
    if isinstance(value, bytes):
        return quote_from_bytes(value, safe="")
    raise TypeError(f"cannot send {type(value).__name__} as a query value")


def encode_query(params: Query) -> str:
    """Query string; None values are left out, a WeekSchedule becomes 21 words."""
    parts: list[str] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, WeekSchedule):
            parts.extend(f"{k}={v}" for k, v in value.as_vars(f"{name}_").items())
        else:
            parts.append(f"{name}={_encode_value(value)}")
    return "&".join(parts)


def _section(section: DataclassInstance | None) -> dict[str, object]:
    """Return the fields of a get_params section as set_* keywords."""
    if section is None:
        return {}
    return {spec.name: getattr(section, spec.name) for spec in fields(section)}


def _user_query(users: Mapping[int, User], *, pad: bool) -> dict[str, object]:
    """``userN``/``pwdN``/``priN`` of the given slots (``pad``: also empty 1..8)."""
    slots = set(users) | (set(range(1, _USER_SLOTS + 1)) if pad else set())
    query: dict[str, object] = {}
    for slot in sorted(slots):
        user = users.get(slot) or User(slot, "", "", Privilege.VISITOR)
        privilege = user.privilege
        query[f"user{slot}"] = user.name
        query[f"pwd{slot}"] = user.password
        query[f"pri{slot}"] = (
            privilege.user_level if isinstance(privilege, Privilege) else privilege
        )
    return query


def _device_query(devices: Mapping[int, Device], *, pad: bool) -> dict[str, object]:
    """``devN_*`` of the given slots (``pad``: also empty 2..4)."""
    slots = set(devices) | (set(_DEVICE_SLOTS) if pad else set())
    query: dict[str, object] = {}
    for slot in sorted(slots):
        device = devices.get(slot) or Device(slot, "", "", 0, "", "")
        query |= {
            f"dev{slot}_alias": device.alias,
            f"dev{slot}_host": device.host,
            f"dev{slot}_port": device.port,
            f"dev{slot}_user": device.user,
            f"dev{slot}_pwd": device.password,
        }
    return query


def _in_order(settings_type: type[Mapping[str, object]], settings: Query) -> Query:
    """Put ``settings`` in the order the document lists the CGI's parameters."""
    return {name: settings.get(name) for name in settings_type.__annotations__}


def _looks_foreign(body: bytes) -> bool:
    """HTML, XML or JSON: the reply of an HD model or some other web server."""
    return body.lstrip()[:1] in (b"<", b"{", b"[")


class FoscamCamera:
    """One camera. Use as ``async with FoscamCamera(...) as cam:`` or call close()."""

    def __init__(
        self,
        host: str,
        port: int = 80,
        username: str = "",
        password: str = "",
        *,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = 10.0,
        privilege: Privilege | None = None,
    ) -> None:
        """Describe the camera; no I/O happens here."""
        self.host = host
        self.port = port
        self.username = username
        self._password = password
        self.privilege = privilege
        # HTTP Basic cannot carry a user name containing ":".
        self.auth_mode = AuthMode.QUERY if ":" in username else AuthMode.BASIC
        self.request_timeout = request_timeout
        self.base_url = str(URL.build(scheme="http", host=host, port=port))
        self._where = f"{host}:{port}"
        self._session = session
        self._owns_session = session is None
        self._lock = asyncio.Lock()
        # Lowest CGI privilege for which the query fallback also got 401 (None:
        # never failed). Fallback is not tried again at or above that level.
        self._fallback_refused_at: Privilege | None = None

    def __repr__(self) -> str:
        """Host, port and user; never the password."""
        return f"FoscamCamera({self._where!r}, username={self.username!r})"

    async def __aenter__(self) -> Self:
        """Nothing to open: the session is created on first use."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the session if this client created it."""
        await self.close()

    async def close(self) -> None:
        """Close the session if this client created it (never an injected one)."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    # --- transport ------------------------------------------------------------------

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        return self._session

    @property
    def _has_credentials(self) -> bool:
        return bool(self.username or self._password)

    def _credentials(self, cgi: str, mode: AuthMode) -> dict[str, str]:
        if mode is not AuthMode.QUERY or not self._has_credentials:
            return {}
        if cgi in SERVICE_CREDENTIAL_CGIS:
            return {"cam_user": self.username, "cam_pwd": self._password}
        return {"user": self.username, "pwd": self._password}

    def _url(self, cgi: str, query: Query, mode: AuthMode) -> URL:
        names = _QUERY_NAMES.get(cgi, {})
        renamed = {names.get(key, key): value for key, value in query.items()}
        text = encode_query(renamed | self._credentials(cgi, mode))
        return URL(f"{self.base_url}/{cgi}{'?' if text else ''}{text}", encoded=True)

    def _label(self, cgi: str) -> str:
        """Name ``cgi`` on this camera for a message: ``cgi on host:port``."""
        return f"{cgi} on {self._where}"

    def _connection_error(self, cgi: str, err: BaseException) -> FoscamConnectionError:
        """Wrap ``err`` without the URL (it may carry the password in query mode)."""
        return connection_error(self._label(cgi), err)

    def _auth_headers(self, mode: AuthMode) -> dict[str, str] | None:
        if mode is AuthMode.BASIC and self._has_credentials:
            return {
                hdrs.AUTHORIZATION: basic_authorization(self.username, self._password)
            }
        return None

    def _privilege_too_low(self, cgi: str) -> Privilege | None:
        """Return the privilege ``cgi`` needs if the known account's is lower."""
        required = CGI_PRIVILEGE.get(cgi)
        if self.privilege is not None and required is not None:
            return required if required > self.privilege else None
        return None

    def _unauthorized(self, cgi: str) -> Exception:
        if (required := self._privilege_too_low(cgi)) is not None:
            return FoscamPrivilegeError(cgi, required, self._where)
        return FoscamAuthenticationError(f"{self._label(cgi)}: HTTP 401")

    def _may_fall_back(self, cgi: str) -> bool:
        refused_at = self._fallback_refused_at
        required = CGI_PRIVILEGE.get(cgi) or Privilege.VISITOR
        return refused_at is None or required < refused_at

    def _note_fallback_refused(self, cgi: str) -> None:
        """Remember a failed fallback so bad credentials are not retried forever.

        While the privilege is unknown, a 401 on a CGI above visitor level may be
        the account's privilege rather than its credentials: it only rules out
        fallback for CGIs at that level or higher (a later check_user still tries
        query mode). Otherwise it proves the credentials wrong for every CGI.
        """
        required = CGI_PRIVILEGE.get(cgi) or Privilege.VISITOR
        level = required if self.privilege is None else Privilege.VISITOR
        if self._fallback_refused_at is None or level < self._fallback_refused_at:
            self._fallback_refused_at = level

    async def _send(
        self,
        cgi: str,
        query: Query,
        mode: AuthMode,
        form: FormFactory | None,
        client_timeout: aiohttp.ClientTimeout,
    ) -> aiohttp.ClientResponse:
        _LOGGER.debug("%s on %s (%s auth)", cgi, self._where, mode)
        try:
            return await self._get_session().request(
                "POST" if form else "GET",
                self._url(cgi, query, mode),
                headers=self._auth_headers(mode),
                data=form() if form else None,
                timeout=client_timeout,
                allow_redirects=False,
                raise_for_status=False,
            )
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise self._connection_error(cgi, err) from None

    @asynccontextmanager
    async def _open(
        self,
        cgi: str,
        query: Query | None = None,
        *,
        form: FormFactory | None = None,
        client_timeout: aiohttp.ClientTimeout | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Send one request (with the one-time Basic -> query fallback on 401)."""
        query = query or {}
        client_timeout = client_timeout or aiohttp.ClientTimeout(
            total=self.request_timeout
        )

        async def send(mode: AuthMode) -> aiohttp.ClientResponse:
            return await self._send(cgi, query, mode, form, client_timeout)

        response = await self._send_checked(cgi, send)
        try:
            yield response
        finally:
            response.close()

    async def _send_checked[R: _Reply](
        self, cgi: str, send: Callable[[AuthMode], Awaitable[R]]
    ) -> R:
        """Return a 200 reply of ``send``, with the one-time Basic -> query fallback.

        Any other status closes the reply and raises.
        """
        mode = self.auth_mode
        reply = await send(mode)
        try:
            if (
                reply.status == 401
                and mode is AuthMode.BASIC
                and self._has_credentials
                and self._may_fall_back(cgi)
                and self._privilege_too_low(cgi) is None
            ):
                # Some firmware rejects Basic but accepts query credentials.
                reply.close()
                reply = await send(AuthMode.QUERY)
                if reply.status == 401:
                    self._note_fallback_refused(cgi)
                else:
                    _LOGGER.debug("%s accepts query credentials only", self._where)
                    self.auth_mode = AuthMode.QUERY
            if reply.status == 401:
                raise self._unauthorized(cgi)
            if reply.status == 404:
                raise FoscamNotSupportedError(f"{self._label(cgi)}: HTTP 404")
            if reply.status != 200:
                raise FoscamConnectionError(f"{self._label(cgi)}: HTTP {reply.status}")
        except BaseException:
            reply.close()
            raise
        return reply

    async def _read(
        self, cgi: str, response: aiohttp.ClientResponse, max_size: int
    ) -> bytes:
        too_big = FoscamResponseError(
            f"{self._label(cgi)}: reply over {max_size} bytes"
        )
        if (response.content_length or 0) > max_size:
            raise too_big
        body = bytearray()
        try:
            async for chunk in response.content.iter_chunked(_READ_CHUNK):
                body += chunk
                if len(body) > max_size:
                    raise too_big
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise self._connection_error(cgi, err) from None
        return bytes(body)

    async def _fetch(
        self, cgi: str, query: Query | None = None, **options: Unpack[_FetchOptions]
    ) -> bytes:
        """One request and its whole body. The caller holds the lock."""
        async with self._open(
            cgi,
            query,
            form=options.get("form"),
            client_timeout=options.get("client_timeout"),
        ) as response:
            return await self._read(
                cgi, response, options.get("max_size", TEXT_MAX_SIZE)
            )

    async def _request(
        self, cgi: str, query: Query | None = None, **options: Unpack[_FetchOptions]
    ) -> bytes:
        """``_fetch`` under the lock."""
        async with self._lock:
            return await self._fetch(cgi, query, **options)

    # --- reply bodies ---------------------------------------------------------

    def _raise_for_error_body(self, cgi: str, body: bytes) -> None:
        """``error: illegal params.`` comes with HTTP 200 (firmware fact)."""
        text = body.lstrip()
        if text[:6].lower() == b"error:":
            reason = text[6:].strip()[:_MAX_REASON].decode("utf-8", "replace")
            raise FoscamCommandError(cgi, reason, self._where)

    def _vars(self, cgi: str, body: bytes) -> dict[str, Value]:
        self._raise_for_error_body(cgi, body)
        try:
            return parse_vars(body, max_size=TEXT_MAX_SIZE)
        except FoscamResponseError as err:
            error = FoscamNotSupportedError if _looks_foreign(body) else type(err)
            raise error(f"{self._label(cgi)}: {err}") from None

    def _ok(self, cgi: str, body: bytes) -> None:
        self._raise_for_error_body(cgi, body)
        if body.strip().lower() not in (b"ok.", b"ok"):
            error = (
                FoscamNotSupportedError if _looks_foreign(body) else FoscamResponseError
            )
            raise error(f"{self._label(cgi)}: unexpected reply")

    def _model[T](
        self, cgi: str, build: Callable[[dict[str, Value]], T], body: bytes
    ) -> T:
        values = self._vars(cgi, body)
        try:
            return build(values)
        except FoscamResponseError as err:
            raise type(err)(f"{self._label(cgi)}: {err}") from None

    async def _get[T](
        self,
        cgi: str,
        build: Callable[[dict[str, Value]], T],
        query: Query | None = None,
    ) -> T:
        return self._model(cgi, build, await self._request(cgi, query))

    async def _command(self, cgi: str, query: Query | None = None) -> None:
        self._ok(cgi, await self._request(cgi, query))

    async def _upload(self, cgi: str, data: bytes, filename: str) -> None:
        def form() -> aiohttp.FormData:
            payload = aiohttp.FormData()
            payload.add_field(
                "file", data, filename=filename, content_type="application/octet-stream"
            )
            return payload

        upload_timeout = aiohttp.ClientTimeout(
            total=max(UPLOAD_TIMEOUT, self.request_timeout),
            sock_connect=self.request_timeout,
        )
        self._ok(
            cgi, await self._request(cgi, form=form, client_timeout=upload_timeout)
        )

    async def _read_modify_write(
        self,
        cgi: str,
        current: Callable[[Params], Mapping[str, object]],
        changes: Query,
    ) -> None:
        """For CGIs that reject partial sets: fill in the rest from get_params."""
        async with self._lock:
            params = self._model(
                "get_params.cgi", Params.from_vars, await self._fetch("get_params.cgi")
            )
            query = dict(current(params))
            query.update((k, v) for k, v in changes.items() if v is not None)
            self._ok(cgi, await self._fetch(cgi, query))

    async def _set_slots[S: (User, Device)](
        self,
        cgi: str,
        given: Sequence[S],
        first: int,
        current: Callable[[Params], Sequence[S]],
        query: Callable[..., dict[str, object]],
    ) -> None:
        """Replace the ``given`` slots (numbered from ``first``); keep the others."""
        if (below := next((s for s in given if s.slot < first), None)) is not None:
            raise ValueError(f"{type(below).__name__.lower()} slots start at {first}")
        await self._read_modify_write(
            cgi,
            lambda params: query({s.slot: s for s in current(params)}, pad=True),
            query({s.slot: s for s in given}, pad=False),
        )

    def _stream_read_timeout(self, rate: FrameRate | int | None) -> float:
        """How long a stream may go without data: a few frame periods at least."""
        fps = to_enum(FrameRate)(rate)
        period = 1 / fps.fps if isinstance(fps, FrameRate) else 1.0
        return max(self.request_timeout, 3 * period)

    def _stream_timeout(self, rate: FrameRate | int | None) -> aiohttp.ClientTimeout:
        """No total limit; a read may wait for a few frame periods."""
        return aiohttp.ClientTimeout(
            total=None,
            connect=self.request_timeout,
            sock_connect=self.request_timeout,
            sock_read=self._stream_read_timeout(rate),
        )

    # --- status, video -------------------------------------------------------------

    async def check_user(self) -> CheckUserResult:
        """Verify the credentials; also sets ``privilege``."""
        result = await self._get("check_user.cgi", CheckUserResult.from_vars)
        if isinstance(result.privilege, Privilege):
            self.privilege = result.privilege
        return result

    async def snapshot(self) -> bytes:
        """One JPEG."""
        body = await self._request("snapshot.cgi", max_size=BINARY_MAX_SIZE)
        if body.startswith(b"\xff\xd8"):  # JPEG SOI, whatever the Content-Type says
            return body
        self._raise_for_error_body("snapshot.cgi", body)
        error = FoscamNotSupportedError if _looks_foreign(body) else FoscamResponseError
        raise error(f"{self._label('snapshot.cgi')}: not a JPEG")

    async def open_mjpeg(
        self,
        on_frame: FrameHandler,
        resolution: Resolution | int | None = None,
        rate: FrameRate | int | None = None,
        *,
        stall_timeout: float | None = None,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    ) -> MjpegConnection:
        """Open videostream.cgi; each JPEG goes to ``on_frame`` as it completes.

        Returns once the camera has answered 200 with a multipart reply; the
        connection then runs until the camera ends it, no usable frame came for
        ``stall_timeout`` seconds (default: the request timeout, or 3 frame
        periods if longer) or it is closed. Not serialised with the other
        requests; each call opens a connection of its own (not the session's).
        """
        cgi = "videostream.cgi"
        query = {"resolution": resolution, "rate": rate}
        if stall_timeout is None:
            stall_timeout = self._stream_read_timeout(rate)

        async def send(mode: AuthMode) -> MjpegConnection:
            url = self._url(cgi, query, mode)
            request = http_get(
                url.raw_path_qs, url.raw_authority, self._auth_headers(mode)
            )
            connection = MjpegConnection(
                self._label(cgi),
                request,
                on_frame,
                stall_timeout,
                max_frame_size=max_frame_size,
            )
            _LOGGER.debug("%s on %s (%s auth)", cgi, self._where, mode)
            loop = asyncio.get_running_loop()
            try:
                async with asyncio.timeout(self.request_timeout):
                    await loop.create_connection(
                        lambda: connection, self.host, self.port
                    )
                    await connection.head_received()
            except (OSError, TimeoutError) as err:
                connection.close()
                raise self._connection_error(cgi, err) from None
            except BaseException:
                connection.close()
                raise
            return connection

        connection = await self._send_checked(cgi, send)
        try:
            try:
                boundary = parse_boundary(connection.headers.get("content-type", ""))
            except FoscamResponseError as err:
                raise FoscamResponseError(f"{self._label(cgi)}: {err}") from None
            connection.start(boundary)
        except BaseException:
            connection.close()
            raise
        return connection

    async def stream_frames(
        self,
        resolution: Resolution | int | None = None,
        rate: FrameRate | int | None = None,
        *,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    ) -> AsyncGenerator[bytes]:
        """JPEG frames of videostream.cgi until the camera ends the stream.

        ``open_mjpeg`` for a consumer that pulls: reading pauses while two
        frames wait. Each call opens a connection.
        """
        queue = FrameQueue()
        connection = await self.open_mjpeg(
            queue.put, resolution, rate, max_frame_size=max_frame_size
        )
        try:
            queue.attach(connection)
            while (frame := await queue.get()) is not None:
                yield frame
            await connection.wait_closed()
        finally:
            await connection.aclose()

    async def videostream_asf(
        self,
        resolution: Resolution | int | None = None,
        rate: FrameRate | int | None = None,
        *,
        chunk_size: int = DEFAULT_ASF_CHUNK_SIZE,
    ) -> AsyncGenerator[bytes]:
        """Raw ASF (video + audio) chunks of videostream.asf."""
        cgi = "videostream.asf"
        query = {"resolution": resolution, "rate": rate}
        async with self._open(
            cgi, query, client_timeout=self._stream_timeout(rate)
        ) as response:
            while True:
                try:
                    chunk = await response.content.read(chunk_size)
                except (aiohttp.ClientError, OSError, TimeoutError) as err:
                    raise self._connection_error(cgi, err) from None
                if not chunk:
                    return
                yield chunk

    async def get_status(self) -> Status:
        """Status (answers without authentication)."""
        return await self._get("get_status.cgi", Status.from_vars)

    async def get_camera_params(self) -> CameraParams:
        """Sensor settings."""
        return await self._get("get_camera_params.cgi", CameraParams.from_vars)

    # --- control (operator) -------------------------------------------------------

    async def decoder_control(
        self, command: int, *, onestep: bool = False, degree: int | None = None
    ) -> None:
        """Send a pan/tilt/preset/IO command (see PtzCommand)."""
        if not 0 <= command <= 255:
            raise ValueError(f"command must be 0..255, got {command}")
        query = {
            "command": command,
            "onestep": 1 if onestep else None,
            "degree": degree,
        }
        await self._command("decoder_control.cgi", query)

    async def set_extra_io(self, value: int) -> None:
        """Levels of the 8 PCA8574 extension outputs (bit n = io n)."""
        if not 0 <= value <= 255:
            raise ValueError(f"value must be 0..255, got {value}")
        await self._command("set_extra_io.cgi", {"value": value})

    async def camera_control(self, param: CameraControlParam | int, value: int) -> None:
        """Set one sensor setting (5 is the flip/mirror bitmask)."""
        await self._command("camera_control.cgi", {"param": param, "value": value})

    async def comm_write(self, port: int, baud: BaudRate | int, data: bytes) -> None:
        """Send bytes out of serial port 0..3 (fewer than 256 bytes)."""
        if not 0 <= port <= 3 or len(data) >= 256:
            raise ValueError("port must be 0..3 and data shorter than 256 bytes")
        query = {"port": port, "baud": baud, "bytes": len(data), "data": data}
        await self._command("comm_write.cgi", query)

    # --- system (administrator) ------------------------------------------------------

    async def reboot(self) -> None:
        """Reboot; the camera is gone for tens of seconds."""
        await self._command("reboot.cgi")

    async def restore_factory(self) -> None:
        """Reset every setting to factory defaults."""
        await self._command("restore_factory.cgi")

    async def get_params(self) -> Params:
        """Every setting, secrets in clear text."""
        return await self._get("get_params.cgi", Params.from_vars)

    async def upgrade_firmware(
        self, data: bytes, filename: str = "firmware.bin"
    ) -> None:
        """Upload a system firmware image."""
        await self._upload("upgrade_firmware.cgi", data, filename)

    async def upgrade_htmls(self, data: bytes, filename: str = "htmls.bin") -> None:
        """Upload a web UI image."""
        await self._upload("upgrade_htmls.cgi", data, filename)

    async def set_alias(self, alias: str) -> None:
        """Camera name (at most 20 characters)."""
        await self._command("set_alias.cgi", {"alias": alias})

    async def set_datetime(self, **settings: Unpack[DatetimeSettings]) -> None:
        """Clock settings; ``tz`` is seconds *west* of UTC (firmware fact)."""
        await self._command("set_datetime.cgi", _in_order(DatetimeSettings, settings))

    async def set_users(self, users: Sequence[User]) -> None:
        """Replace the given account slots; the other slots are kept."""
        await self._set_slots("set_users.cgi", users, 1, lambda p: p.users, _user_query)

    async def set_devices(self, devices: Sequence[Device]) -> None:
        """Replace the given multi-device slots; the other slots are kept."""
        await self._set_slots(
            "set_devices.cgi", devices, 2, lambda p: p.devices, _device_query
        )

    async def set_network(self, **settings: Unpack[NetworkSettings]) -> None:
        """Wired network settings (``ip=""`` means DHCP); the rest is kept."""
        await self._read_modify_write(
            "set_network.cgi",
            lambda params: {
                name: getattr(params, name) for name in NetworkSettings.__annotations__
            },
            settings,
        )

    async def set_wifi(self, **settings: Unpack[WifiSettings]) -> None:
        """Wi-Fi settings; the ones not given are kept."""
        await self._read_modify_write(
            "set_wifi.cgi", lambda params: _section(params.wifi), settings
        )

    async def set_pppoe(
        self, *, enable: bool, user: str, password: str, mail_ip: bool | None = None
    ) -> None:
        """PPPoE dial-up settings."""
        query = {
            "enable": enable,
            "user": user,
            "password": password,
            "mail_ip": mail_ip,
        }
        await self._command("set_pppoe.cgi", query)

    async def set_upnp(self, enable: bool) -> None:
        """UPnP port forwarding on or off."""
        await self._command("set_upnp.cgi", {"enable": enable})

    async def set_ddns(self, **settings: Unpack[DdnsSettings]) -> None:
        """DDNS settings; the ones not given are kept."""
        await self._read_modify_write(
            "set_ddns.cgi", lambda params: _section(params.ddns), settings
        )

    async def set_ftp(self, **settings: Unpack[FtpSettings]) -> None:
        """FTP upload settings (partial sets accepted)."""
        await self._command("set_ftp.cgi", settings)

    async def set_mail(self, **settings: Unpack[MailSettings]) -> None:
        """Mail settings; the ones not given are kept."""
        await self._read_modify_write(
            "set_mail.cgi", lambda params: _section(params.mail), settings
        )

    async def set_msn(self, **settings: Unpack[MsnSettings]) -> None:
        """MSN settings (partial sets accepted)."""
        await self._command("set_msn.cgi", settings)

    async def set_alarm(self, **settings: Unpack[AlarmSettings]) -> None:
        """Alarm settings (partial sets accepted)."""
        await self._command("set_alarm.cgi", settings)

    async def set_forbidden(self, *, enabled: bool, schedule: WeekSchedule) -> None:
        """When viewing video/audio is forbidden."""
        query = {"schedule_enable": enabled, "schedule": schedule}
        await self._command("set_forbidden.cgi", query)

    async def get_forbidden(self) -> ForbiddenSchedule:
        """When viewing video/audio is forbidden."""
        return await self._get("get_forbidden.cgi", ForbiddenSchedule.from_vars)

    async def set_misc(self, **settings: Unpack[MiscSettings]) -> None:
        """LED and pan/tilt settings (partial sets accepted)."""
        await self._command("set_misc.cgi", settings)

    async def get_misc(self) -> Misc:
        """LED and pan/tilt settings."""
        return await self._get("get_misc.cgi", Misc.from_vars)

    async def set_decoder(self, baud: BaudRate | int) -> None:
        """Baud rate of the RS485 pan/tilt decoder."""
        await self._command("set_decoder.cgi", {"baud": baud})

    async def wifi_scan(self) -> None:
        """Start a Wi-Fi scan (results via get_wifi_scan_result)."""
        await self._command("wifi_scan.cgi")

    async def get_wifi_scan_result(self) -> list[WifiNetwork]:
        """Networks found by the last scan."""
        return await self._get("get_wifi_scan_result.cgi", WifiNetwork.list_from_vars)

    async def get_log(self) -> list[str]:
        """Access log lines, oldest first."""

        def lines(values: Mapping[str, Value]) -> list[str]:
            text = to_str(values.get("log_text")) or ""
            return [line for line in text.split("\n") if line.strip()]

        return await self._get("get_log.cgi", lines)

    async def test_mail(self) -> MailTestResult | int:
        """Send a test mail with the stored settings."""
        return await self._get("test_mail.cgi", _result(MailTestResult))

    async def test_ftp(self) -> FtpTestResult | int:
        """Upload a test file with the stored settings."""
        return await self._get("test_ftp.cgi", _result(FtpTestResult))

    async def backup_params(self) -> bytes:
        """Download the settings file (params.bin)."""
        body = await self._request("backup_params.cgi", max_size=BINARY_MAX_SIZE)
        self._raise_for_error_body("backup_params.cgi", body)
        return body

    async def restore_params(self, data: bytes) -> None:
        """Upload a settings file made by backup_params."""
        await self._upload("restore_params.cgi", data, "params.bin")

    async def set_factory_params(self, data: bytes) -> None:
        """Upload a factory settings file."""
        await self._upload("set_factory_params.cgi", data, "params.bin")

    async def set_mac(self, mac: str) -> None:
        """Change the MAC address (``00:12:a0:74:6f:01`` or ``0012a0746f01``)."""
        digits = re.sub(r"[:\-.]", "", mac).lower()
        if not _MAC.fullmatch(digits):
            raise ValueError(f"not a MAC address: {mac!r}")
        await self._command("set_mac.cgi", {"mac": digits})

    async def set_factory_ddns(self, **settings: Unpack[DdnsSettings]) -> None:
        """Factory-default DDNS settings (partial sets accepted)."""
        await self._command("set_factory_ddns.cgi", settings)

    async def get_factory_ddns(self) -> FactoryDdns:
        """Factory-default DDNS settings."""
        return await self._get("get_factory_ddns.cgi", FactoryDdns.from_vars)

    async def restore_factory_ddns(self) -> None:
        """Reset DDNS to the factory-default settings."""
        await self._command("restore_factory_ddns.cgi")

    # --- conveniences -----------------------------------------------------------------

    async def ptz_move(
        self,
        direction: Direction,
        orientation: ImageOrientation | int = ImageOrientation.NORMAL,
        *,
        pan_reversed: bool = False,
        onestep: bool = False,
        degree: int | None = None,
    ) -> None:
        """Start moving the image towards ``direction`` (until ptz_stop)."""
        command = direction_command(direction, orientation, pan_reversed=pan_reversed)
        await self.decoder_control(command, onestep=onestep, degree=degree)

    async def ptz_stop(self) -> None:
        """Stop any move (the web UI sends 1 on release for every direction)."""
        await self.decoder_control(PtzCommand.STOP_UP)

    async def preset_go(self, n: int) -> None:
        """Move to preset n (1..16)."""
        await self.decoder_control(preset_go_command(n))

    async def preset_set(self, n: int) -> None:
        """Store the current position as preset n (1..16)."""
        await self.decoder_control(preset_set_command(n))

    async def set_io_output(self, high: bool) -> None:
        """Drive the IO output (often the IR LEDs; which level is "on" varies)."""
        command = PtzCommand.IO_OUTPUT_HIGH if high else PtzCommand.IO_OUTPUT_LOW
        await self.decoder_control(command)


def _result[E: MailTestResult | FtpTestResult](
    enum: type[E],
) -> Callable[[Mapping[str, Value]], E | int]:
    convert = to_enum(enum)

    def build(values: Mapping[str, Value]) -> E | int:
        result = convert(values.get("result"))
        if result is None:
            raise FoscamResponseError("reply has no result")
        return result

    return build


__all__ = ["AuthMode", "FoscamCamera", "encode_query"]
