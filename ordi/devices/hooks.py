"""Effects of a step in another capability, inside the step's transaction.

A wipe issues its signed certificate in the same transaction as the wipe event, but the devices
package does not know certificates: the wiring (`ordi.wiring`) registers the certificate issuer
here for `wipe`, and `apply_locked` runs the hooks of the action with every argument explicit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ordi.domain.lifecycle import Action, Actor
from ordi.domain.records import Record


@dataclass(frozen=True)
class StepRecorded:
    """A step just appended, its transaction still open."""

    event_id: int
    action: Action
    device: dict[str, Any]  # the row as it was before the step
    actor: Actor
    record: Record | None
    payload: dict[str, Any]
    at: datetime
    attachment: Any = None  # what the caller attached to the step (a wiping tool's report)


StepHook = Callable[[StepRecorded], Awaitable[None]]

_HOOKS: dict[Action, list[StepHook]] = {}
#: Steps that must never be recorded without their effect (a wipe without its certificate).
REQUIRED = frozenset({Action.WIPE})


def on_step(action: Action, hook: StepHook) -> None:
    """Run `hook` after every `action` step, in its transaction (registered once, by the wiring)."""
    hooks = _HOOKS.setdefault(action, [])
    if hook not in hooks:
        hooks.append(hook)


async def run(step: StepRecorded) -> None:
    hooks = _HOOKS.get(step.action, [])
    if not hooks and step.action in REQUIRED:
        raise RuntimeError(f"aucun effet enregistré pour « {step.action.value} » : appeler ordi.wiring.wire()")
    for hook in hooks:
        await hook(step)
