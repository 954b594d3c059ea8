"""The offline modeler: prompt understanding, layout, and the five roles with no model at all.

``make_offline_roles()`` is what ``roles.factory`` returns for ``provider = "offline"``.
"""

from __future__ import annotations

from prompt2mesh.roles.interface import Roles
from prompt2mesh.roles.offline.critic import OfflineCritic
from prompt2mesh.roles.offline.executor import OfflineExecutor
from prompt2mesh.roles.offline.improver import OfflineImprover
from prompt2mesh.roles.offline.planner import OfflinePlanner, OfflineRefiner

__all__ = [
    "OfflineCritic",
    "OfflineExecutor",
    "OfflineImprover",
    "OfflinePlanner",
    "OfflineRefiner",
    "make_offline_roles",
]


def make_offline_roles() -> Roles:
    """The offline roles (no model, no network)."""
    return Roles(
        provider="offline",
        refiner=OfflineRefiner(),
        planner=OfflinePlanner(),
        executor=OfflineExecutor(),
        critic=OfflineCritic(),
        improver=OfflineImprover(),
        model_names={"planner": "offline", "critic": "offline"},
    )
