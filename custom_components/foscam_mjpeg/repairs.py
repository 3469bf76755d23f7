"""Repair flows: the reduced-privilege issue is fixed by reloading the entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

if TYPE_CHECKING:  # typed since 2026.x; the floor release has no such name
    from homeassistant.components.repairs import RepairsFlowResult


class ReloadAtGrantedLevelFlow(RepairsFlow):
    """Confirm, then reload the entry so it runs at the level the camera grants."""

    def __init__(self, data: dict[str, Any]) -> None:
        """Remember the entry and the texts' placeholders."""
        self._entry_id: str = data["entry_id"]
        self._placeholders = {
            key: str(data[key]) for key in ("name", "configured", "granted")
        }

    async def async_step_init(
        self, _user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start at the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Reload once the user confirms; the issue is then resolved."""
        if user_input is not None:
            self.hass.config_entries.async_schedule_reload(self._entry_id)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm", description_placeholders=self._placeholders
        )


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,  # noqa: ARG001 (Home Assistant's hook signature)
    data: dict[str, Any] | None,
) -> RepairsFlow:
    """Create the flow that fixes a privilege_reduced issue."""
    assert data is not None
    return ReloadAtGrantedLevelFlow(data)
