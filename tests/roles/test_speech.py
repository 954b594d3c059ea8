"""Voice: real speech synthesised by espeak-ng, transcribed by the shipped Whisper model."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from prompt2mesh.roles.speech import SpeechError, assemble_model, transcribe

pytestmark = pytest.mark.voice

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def speak(text: str, path: Path) -> Path:
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    return path


def test_model_parts_are_joined_into_a_loadable_folder_once(tmp_path: Path) -> None:
    folder = assemble_model(tmp_path / "model")
    assert (folder / "model.bin").stat().st_size > 100_000_000
    assert {p.name for p in folder.iterdir()} >= {
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.json",
    }
    before = (folder / "model.bin").stat().st_mtime_ns
    assert assemble_model(tmp_path / "model") == folder
    assert (folder / "model.bin").stat().st_mtime_ns == before


@needs_espeak
def test_a_spoken_command_is_transcribed_to_its_words(tmp_path: Path) -> None:
    transcript = transcribe(speak("make the cube red", tmp_path / "cmd.wav"))
    words = transcript.text.lower()
    assert "cube" in words and "red" in words
    assert transcript.language == "en"


def test_a_missing_recording_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="no audio file"):
        transcribe(tmp_path / "nothing.wav")


def test_a_file_that_is_not_audio_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.wav"
    bogus.write_bytes(b"this is not audio at all")
    with pytest.raises(SpeechError):
        transcribe(bogus)
