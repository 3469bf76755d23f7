"""Small JSON control API for the simulator (faults, alarms, reboots, state)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .const import AlarmStatus

if TYPE_CHECKING:
    from .camera import SimulatedCamera


CAMERAS = web.AppKey("cameras", list["SimulatedCamera"])


def _camera(request: web.Request) -> SimulatedCamera:
    cameras = request.app[CAMERAS]
    try:
        return cameras[int(request.match_info["index"])]
    except ValueError, IndexError:
        raise web.HTTPNotFound(text="no such camera") from None


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json() if request.can_read_body else {}
    except ValueError:
        raise web.HTTPBadRequest(text="body is not JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


async def list_cameras(request: web.Request) -> web.Response:
    """GET /cameras."""
    return web.json_response([c.summary() for c in request.app[CAMERAS]])


async def camera_state(request: web.Request) -> web.Response:
    """GET /cameras/{index}/state."""
    return web.json_response(_camera(request).snapshot_state())


async def set_faults(request: web.Request) -> web.Response:
    """POST /cameras/{index}/faults with e.g. {"latency": 2, "offline": true}."""
    camera = _camera(request)
    body = await _json_body(request)
    offline = body.pop("offline", None)
    if offline is not None and not isinstance(offline, bool):
        raise web.HTTPBadRequest(text="offline must be a boolean")
    try:
        camera.faults.update(body)
    except ValueError as err:
        raise web.HTTPBadRequest(text=str(err)) from None
    if offline is not None:
        await camera.set_offline(offline)
    return web.json_response(camera.faults.as_dict())


async def trigger_alarm(request: web.Request) -> web.Response:
    """POST /cameras/{index}/alarm with {"status": 1, "duration": 5}."""
    camera = _camera(request)
    body = await _json_body(request)
    status, duration = body.get("status", AlarmStatus.MOTION), body.get("duration")
    if not isinstance(status, int) or not (
        duration is None or isinstance(duration, int | float)
    ):
        raise web.HTTPBadRequest(
            text="status must be an int, duration a number or null"
        )
    camera.trigger_alarm(status, duration)
    return web.json_response({"alarm_status": int(camera.state.alarm_status)})


async def reboot(request: web.Request) -> web.Response:
    """POST /cameras/{index}/reboot with optional {"downtime": seconds}."""
    camera = _camera(request)
    downtime = (await _json_body(request)).get("downtime")
    if downtime is not None and not isinstance(downtime, int | float):
        raise web.HTTPBadRequest(text="downtime must be a number")
    camera.start_reboot(downtime)
    return web.json_response({"rebooting": True}, status=202)


async def drop_streams(request: web.Request) -> web.Response:
    """POST /cameras/{index}/drop_streams."""
    _camera(request).drop_streams()
    return web.json_response({"dropped": True})


def build_app(cameras: list[SimulatedCamera]) -> web.Application:
    """Build the admin application."""
    app = web.Application()
    app[CAMERAS] = cameras
    app.router.add_get("/cameras", list_cameras)
    app.router.add_get("/cameras/{index}/state", camera_state)
    app.router.add_post("/cameras/{index}/faults", set_faults)
    app.router.add_post("/cameras/{index}/alarm", trigger_alarm)
    app.router.add_post("/cameras/{index}/reboot", reboot)
    app.router.add_post("/cameras/{index}/drop_streams", drop_streams)
    return app
