"""Config flow for Foscam MJPEG (CGI v1.x) cameras."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Final, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.typing import DiscoveryInfoType

from .const import (
    CONF_FRAME_RATE,
    CONF_PAN_REVERSED,
    CONF_PAN_TILT,
    CONF_PRIVILEGE,
    CONF_PTZ_DEGREE,
    CONF_PTZ_DURATION,
    CONF_PTZ_MODE,
    CONF_RESOLUTION,
    CONF_SCAN_INTERVAL,
    CONF_STREAM_IDLE_TIMEOUT,
    CONF_VOICE_SENTENCES,
    DEFAULT_FRAME_RATE,
    DEFAULT_PAN_REVERSED,
    DEFAULT_PAN_TILT,
    DEFAULT_PORT,
    DEFAULT_PTZ_DEGREE,
    DEFAULT_PTZ_DURATION,
    DEFAULT_PTZ_MODE,
    DEFAULT_RESOLUTION,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    DEFAULT_VOICE_SENTENCES,
    DOMAIN,
    FRAME_RATE_OPTIONS,
    LOGGER,
    MIN_SCAN_INTERVAL,
    PTZ_MODE_DURATION,
    PTZ_MODE_STEP,
    RESOLUTION_OPTIONS,
)
from .discovery import async_find_new_cameras
from .errors import error_keys
from .foscam_cgi import CheckUserResult, DiscoveredCamera, Status
from .helpers import async_read_status, async_validate_camera
from .validation import vol

DEFAULT_USERNAME: Final = "admin"

_TEXT: Final = TextSelector()
_PASSWORD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))

# Factory-default legacy Foscams log in as "admin" with an EMPTY password, so an
# empty password is a valid credential everywhere except on the reconfigure form,
# where an empty field keeps the stored password.
CREDENTIALS_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_USERNAME, default=DEFAULT_USERNAME): _TEXT,
        vol.Optional(CONF_PASSWORD, default=""): _PASSWORD,
    }
)
# Asked when a camera is added (and an option later): fixed models such as the
# FI8904W/FI8905W/FI8906W have no pan/tilt motor.
_PAN_TILT: Final = {
    vol.Required(CONF_PAN_TILT, default=DEFAULT_PAN_TILT): BooleanSelector()
}
USER_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_HOST): _TEXT,
        vol.Required(CONF_PORT, default=DEFAULT_PORT): cv.port,
        **CREDENTIALS_SCHEMA.schema,
        **_PAN_TILT,
    }
)
DISCOVERED_SCHEMA: Final = CREDENTIALS_SCHEMA.extend(_PAN_TILT)
CONF_CAMERA: Final = "camera"
RECONFIGURE_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_HOST): _TEXT,
        vol.Required(CONF_PORT): cv.port,
        vol.Required(CONF_USERNAME): _TEXT,
        vol.Optional(CONF_PASSWORD): _PASSWORD,
    }
)


def _number(
    minimum: float,
    maximum: float,
    step: float,
    unit: str | None = "s",
    mode: NumberSelectorMode = NumberSelectorMode.BOX,
) -> NumberSelector:
    config = NumberSelectorConfig(min=minimum, max=maximum, step=step, mode=mode)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def _select(options: list[str], translation_key: str) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=options,
            translation_key=translation_key,
            mode=SelectSelectorMode.DROPDOWN,
        )
    )


OPTIONS_SCHEMA: Final = vol.Schema(
    {
        **_PAN_TILT,
        vol.Required(
            CONF_VOICE_SENTENCES, default=DEFAULT_VOICE_SENTENCES
        ): BooleanSelector(),
        vol.Required(CONF_RESOLUTION, default=DEFAULT_RESOLUTION): _select(
            list(RESOLUTION_OPTIONS), "resolution"
        ),
        vol.Required(CONF_FRAME_RATE, default=DEFAULT_FRAME_RATE): _select(
            list(FRAME_RATE_OPTIONS), "frame_rate"
        ),
        # The embedded web servers crash when hammered (README): 10 s is the
        # fastest status poll offered.
        vol.Required(CONF_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL): vol.All(
            _number(MIN_SCAN_INTERVAL, 300, 1), vol.Coerce(int)
        ),
        vol.Required(CONF_PTZ_MODE, default=DEFAULT_PTZ_MODE): _select(
            [PTZ_MODE_DURATION, PTZ_MODE_STEP], "ptz_mode"
        ),
        vol.Required(CONF_PTZ_DURATION, default=DEFAULT_PTZ_DURATION): _number(
            0.1, 5, 0.1, mode=NumberSelectorMode.SLIDER
        ),
        # Firmware fact: small onestep degree values misbehave; 3 and up are safe.
        vol.Required(CONF_PTZ_DEGREE, default=DEFAULT_PTZ_DEGREE): vol.All(
            _number(3, 90, 1, unit=None, mode=NumberSelectorMode.SLIDER),
            vol.Coerce(int),
        ),
        vol.Required(
            CONF_PAN_REVERSED, default=DEFAULT_PAN_REVERSED
        ): BooleanSelector(),
        vol.Required(
            CONF_STREAM_IDLE_TIMEOUT, default=DEFAULT_STREAM_IDLE_TIMEOUT
        ): vol.All(_number(0, 300, 1), vol.Coerce(int)),
    }
)


def _error_key(err: Exception) -> str:
    """Return the form error of a validation failure (call from an except block)."""
    if (key := error_keys(err).form) == "unknown":
        LOGGER.exception("Unexpected error while talking to the camera")
    return key


def _entry_data(data: Mapping[str, Any], check: CheckUserResult) -> dict[str, Any]:
    return {
        CONF_HOST: data[CONF_HOST],
        CONF_PORT: data[CONF_PORT],
        CONF_USERNAME: data[CONF_USERNAME],
        CONF_PASSWORD: data[CONF_PASSWORD],
        CONF_PRIVILEGE: int(check.privilege),
    }


class _ExistingEntryFlow(ConfigFlow):
    """Reauthentication and reconfiguration of a camera already set up."""

    async def _async_validate(
        self, data: Mapping[str, Any]
    ) -> tuple[tuple[CheckUserResult, Status] | None, dict[str, str]]:
        """Log in; return the camera's answers, or form errors."""
        try:
            return await async_validate_camera(self.hass, data), {}
        except Exception as err:  # every failure becomes a form error
            return None, {"base": _error_key(err)}

    async def _async_update_entry(
        self, entry: ConfigEntry, data: Mapping[str, Any]
    ) -> tuple[ConfigFlowResult | None, dict[str, str]]:
        """Log in with `data`; save it to the entry (same camera only), reload."""
        result, errors = await self._async_validate(data)
        if result is None:
            return None, errors
        check, status = result
        await self.async_set_unique_id(format_mac(status.id), raise_on_progress=False)
        self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
        return self.async_update_reload_and_abort(
            entry, data_updates=_entry_data(data, check)
        ), {}

    async def async_step_reauth(
        self, _entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start reauthentication after the camera refused the stored login."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new login, validated against the entry's address."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            done, errors = await self._async_update_entry(
                entry, {**entry.data, **user_input}
            )
            if done is not None:
                return done
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA,
                user_input or {CONF_USERNAME: entry.data[CONF_USERNAME]},
            ),
            errors=errors,
            description_placeholders={
                "host": entry.data[CONF_HOST],
                "port": str(entry.data[CONF_PORT]),
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change address or login of the same camera."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            # The stored password is never sent back to the browser: an empty
            # field means "keep it".
            password = user_input.get(CONF_PASSWORD) or entry.data[CONF_PASSWORD]
            done, errors = await self._async_update_entry(
                entry, {**user_input, CONF_PASSWORD: password}
            )
            if done is not None:
                return done
        suggested = user_input or {
            key: entry.data[key] for key in (CONF_HOST, CONF_PORT, CONF_USERNAME)
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA, suggested
            ),
            errors=errors,
            description_placeholders={"name": entry.title},
        )


class FoscamConfigFlow(_ExistingEntryFlow, domain=DOMAIN):
    """Set up a legacy Foscam camera: manually, discovered, reauth, reconfigure."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing discovered."""
        self._discovered: dict[str, Any] = {}
        self._placeholders: dict[str, str] = {}
        self._searched = False
        self._found: dict[str, DiscoveredCamera] = {}

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> FoscamOptionsFlow:
        """Return the options flow."""
        return FoscamOptionsFlow()

    @callback
    def _async_create(
        self, data: Mapping[str, Any], check: CheckUserResult, status: Status
    ) -> ConfigFlowResult:
        return self.async_create_entry(
            title=status.alias or f"Foscam {status.id}",
            data=_entry_data(data, check),
            options={CONF_PAN_TILT: data.get(CONF_PAN_TILT, DEFAULT_PAN_TILT)},
        )

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Search the network first, as the vendor's IP Camera Tool does.

        Cameras found that are not set up yet are offered beside manual entry;
        with none, the address form comes straight away.
        """
        if user_input is None and not self._searched:
            self._searched = True
            self._found = await async_find_new_cameras(
                self.hass, self._async_current_ids(include_ignore=False)
            )
            if self._found:
                return await self.async_step_search_result()
        return await self.async_step_manual(user_input)

    async def async_step_search_result(
        self, _user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the cameras found, or manual entry."""
        return self.async_show_menu(
            step_id="search_result",
            menu_options=["pick_camera", "manual"],
            description_placeholders={"count": str(len(self._found))},
        )

    async def async_step_pick_camera(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose one of the cameras the search found; then only its login."""
        if user_input is not None:
            camera = self._found[user_input[CONF_CAMERA]]
            await self.async_set_unique_id(
                format_mac(camera.id), raise_on_progress=False
            )
            self._abort_if_unique_id_configured()
            return await self._async_step_discovered(
                camera.ip, camera.port, asdict(camera)
            )
        cameras = {
            mac: f"{camera.alias or camera.id} ({camera.ip}:{camera.port})"
            for mac, camera in self._found.items()
        }
        return self.async_show_form(
            step_id="pick_camera",
            data_schema=vol.Schema({vol.Required(CONF_CAMERA): vol.In(cameras)}),
        )

    async def async_step_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for address and login (the form's step stays "user")."""
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._async_validate(user_input)
            if result is not None:
                check, status = result
                await self.async_set_unique_id(
                    format_mac(status.id), raise_on_progress=False
                )
                self._abort_if_unique_id_configured()
                return self._async_create(user_input, check, status)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """Handle a camera found by the UDP search (asdict of DiscoveredCamera)."""
        await self.async_set_unique_id(format_mac(discovery_info["id"]))
        self._abort_if_unique_id_configured(
            updates={CONF_HOST: discovery_info["ip"], CONF_PORT: discovery_info["port"]}
        )
        return await self._async_step_discovered(
            discovery_info["ip"], discovery_info["port"], discovery_info
        )

    async def async_step_dhcp(
        self, discovery_info: DhcpServiceInfo
    ) -> ConfigFlowResult:
        """Handle a DHCP lease of a camera known to the device registry."""
        await self.async_set_unique_id(format_mac(discovery_info.macaddress))
        self._abort_if_unique_id_configured(updates={CONF_HOST: discovery_info.ip})
        # Name and firmware for the confirm form, and an early "this is not a
        # CGI v1.x camera".
        try:
            status = await async_read_status(self.hass, discovery_info.ip, DEFAULT_PORT)
        except Exception as err:  # every failure aborts the flow
            return self.async_abort(reason=_error_key(err))
        info = {
            key: getattr(status, key) for key in ("id", "alias", "sys_ver", "app_ver")
        }
        return await self._async_step_discovered(discovery_info.ip, DEFAULT_PORT, info)

    async def _async_step_discovered(
        self, host: str, port: int, info: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Remember where the camera is and ask for its login."""
        name = str(info.get("alias") or info["id"])
        self._discovered = {CONF_HOST: host, CONF_PORT: port}
        self._placeholders = {
            "name": name,
            "host": host,
            "port": str(port),
            "sys_ver": str(info.get("sys_ver") or "?"),
            "app_ver": str(info.get("app_ver") or "?"),
        }
        self.context["title_placeholders"] = {"name": name}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask only for the login of a discovered camera."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self._discovered, **user_input}
            result, errors = await self._async_validate(data)
            if result is not None:
                check, status = result
                if format_mac(status.id) != self.unique_id:
                    return self.async_abort(reason="unique_id_mismatch")
                return self._async_create(data, check, status)
        return self.async_show_form(
            step_id="discovery_confirm",
            data_schema=self.add_suggested_values_to_schema(
                DISCOVERED_SCHEMA, user_input
            ),
            errors=errors,
            description_placeholders=self._placeholders,
        )


class FoscamOptionsFlow(OptionsFlowWithReload):
    """Stream, polling and pan/tilt options (Home Assistant reloads the entry)."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and save the single options form."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, self.config_entry.options
            ),
        )
