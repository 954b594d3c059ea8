"""Names a person recognises: a model's display name and the file names of its downloads
("A decorated Christmas tree" -> ``decorated-christmas-tree.glb``), and its thumbnail."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from prompt2mesh.service.models import Run

_LEADING = re.compile(
    r"^(?:(?:please|create|make|build|model|generate|draw|design|me)\s+)*(?:an?|the)\s+", re.I
)
MAX_SLUG = 60


def display_name(run: Run) -> str:
    """The owner's title for the model, else its prompt."""
    return (run.title or run.prompt).strip()


def slug(text: str) -> str:
    """Lower-case ASCII words joined by dashes, without a leading verb or article."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = _LEADING.sub("", plain.strip())
    words = re.findall(r"[a-z0-9]+", plain.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > MAX_SLUG:
            break
        out = candidate
    return out or "model"


def download_name(run: Run, name: str) -> str:
    """The file name a download of ``name`` (a path in the run folder) gets on the user's disk."""
    base = slug(display_name(run))
    path = Path(name)
    if path.stem == "scene":
        return f"{base}{path.suffix}"
    if path.stem == "partial":
        return f"{base}-partial{path.suffix}"
    if path.name == "report.json":
        return f"{base}-report.json"
    if path.parts[0] in ("exports", "renders"):
        return path.name  # made on demand, already named after the model
    return f"{base}-{path.name}"


def thumbnail(folder: Path) -> str | None:
    """The picture that stands for the run: the finished scene, else its newest step screenshot."""
    shots = folder / "screenshots"
    if (shots / "final.png").is_file():
        return "screenshots/final.png"
    if not shots.is_dir():
        return None
    pngs = sorted(shots.glob("*.png"), key=lambda p: p.stat().st_mtime)
    return f"screenshots/{pngs[-1].name}" if pngs else None
