"""The offline modeler: prompt understanding, layout, and the five roles with no model at all.

``make_offline_roles()`` is what ``models.factory`` returns for ``provider = "offline"``.
"""

from __future__ import annotations

from prompt2mesh.models.offline.critic import DetailState, OfflineCritic
from prompt2mesh.models.offline.executor import OfflineExecutor
from prompt2mesh.models.offline.improver import OfflineImprover
from prompt2mesh.models.offline.planner import OfflinePlanner, OfflineRefiner
from prompt2mesh.models.roles import Roles

__all__ = [
    "OfflineCritic",
    "OfflineExecutor",
    "OfflineImprover",
    "OfflinePlanner",
    "OfflineRefiner",
    "make_offline_roles",
]


def make_offline_roles() -> Roles:
    """The offline roles; the critic and the improver share what detail each object reached."""
    state = DetailState()
    return Roles(
        provider="offline",
        refiner=OfflineRefiner(),
        planner=OfflinePlanner(),
        executor=OfflineExecutor(),
        critic=OfflineCritic(state),
        improver=OfflineImprover(state),
        model_names={"planner": "offline", "critic": "offline"},
    )
