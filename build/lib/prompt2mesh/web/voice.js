// Push-to-talk: click the microphone to start recording, click again to stop (it also stops by
// itself after MAX_MS). The recording (MediaRecorder, usually webm/opus) goes to the caller,
// which uploads it for transcription. While it records, the button's `data-recorded-ms` and
// the `onState` callback say for how long (data arrives in TICK_MS slices).

const MAX_MS = 30_000;
const TICK_MS = 250;

export class PushToTalk {
  /**
   * @param {HTMLButtonElement} button
   * @param {{onAudio: (blob: Blob) => void, onError: (err: Error) => void,
   *          onState?: (recording: boolean, seconds: number) => void}} handlers
   */
  constructor(button, { onAudio, onError, onState = () => {} }) {
    this.button = button;
    this.onAudio = onAudio;
    this.onError = onError;
    this.onState = onState;
    this.recorder = null;
    this.supported = Boolean(navigator.mediaDevices?.getUserMedia && window.MediaRecorder);
    if (!this.supported) {
      button.disabled = true;
      button.title = "Voice input needs a browser with microphone access (HTTPS or localhost)";
    }
    button.addEventListener("click", () => (this.recorder ? this.stop() : this.start()));
  }

  get recording() { return this.recorder !== null; }

  async start() {
    if (!this.supported || this.recorder) return;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      this.onError(new Error(err?.name === "NotAllowedError"
        ? "Microphone access was refused. Allow it in the browser to talk to your model."
        : `No microphone available (${err?.message ?? err}).`));
      return;
    }
    const chunks = [];
    const recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (e) => {
      if (e.data.size) chunks.push(e.data);
      if (this.recorder === recorder) this.setState(true);
    });
    recorder.addEventListener("stop", () => {
      for (const track of stream.getTracks()) track.stop();
      clearTimeout(this.timer);
      this.recorder = null;
      this.setState(false);
      const blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
      if (blob.size) this.onAudio(blob);
      else this.onError(new Error("Nothing was recorded. Hold the microphone a little longer."));
    });
    this.recorder = recorder;
    this.startedAt = performance.now();
    recorder.start(TICK_MS);
    this.timer = setTimeout(() => this.stop(), MAX_MS);
    this.setState(true);
  }

  stop() {
    if (this.recorder?.state === "recording") this.recorder.stop();
  }

  setState(recording) {
    const ms = recording ? Math.round(performance.now() - this.startedAt) : 0;
    this.button.classList.toggle("recording", recording);
    this.button.setAttribute("aria-pressed", String(recording));
    this.button.dataset.recordedMs = String(ms);
    this.button.title = recording ? "Listening… click to stop and send" : "Speak a command (click to start)";
    this.onState(recording, ms / 1000);
  }
}
