"""Re-make the README's TensorBoard screenshots from real lesson runs (needs Debian's `chromium`).

    python docs/screenshots.py          # writes docs/tensorboard/*.png, about 2 minutes

Each screenshot gets a log directory of its own, holding only the runs it shows: Day 2's moons
run (images, custom scalars, graph), Day 1's blobs run (the update-step table), Day 7's runs side by
side (custom scalars), Day 8's four optimizers (HParams); the Time Series one is taken over all four
lessons, where `course tensorboard` serves the last one alone. TensorBoard is started through
`course tensorboard` on 127.0.0.1. Chromium runs headless, in a fresh profile, without its background
networking (it would stall on the refused connections), driven over its DevTools pipe: the page gets
``WAIT`` seconds of real time before the picture is taken (with --screenshot and a virtual time budget,
the Time Series charts, drawn by a worker, were sometimes still blank).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAIT = 12                   # seconds a page loads before its screenshot
OUT = ROOT / "docs" / "tensorboard"
SHOTS = {   # name: (lesson or "" for every run, run-name pattern, dashboard URL query and fragment, window size)
    "time_series": ("", "*", "&tagFilter=%5Eepoch_#timeseries", "1400,900"),
    "images": ("day2_mlp", "*_moons", "#images&tagFilter=snapshots%7Cnetwork", "1400,1050"),
    "custom_scalars": ("day2_mlp", "*_moons", "#custom_scalars", "1400,800"),
    "graphs": ("day2_mlp", "*_moons", "#graphs", "1400,900"),
    "text": ("day1_perceptron", "*_blobs", "#text&tagFilter=trace", "1400,900"),
    "hparams": ("day8_optimizers", "*", "#hparams", "1280,720"),
    "comparisons": ("day7_gradient_descent", "*", "#custom_scalars&categoryFilter=side", "1400,1250"),
}
# What a reader would do before looking: the graph, fitted to the window, is too small to read; zoomed in
# three wheel steps, dragged, two more: the loss, the update, the gradient norm and the divergence checks.
GESTURES = {"graphs": [("wheel", 560, 140, -200)] * 3 + [("drag", 800, 300, 1120, 600)]
            + [("wheel", 900, 440, -200)] * 2}


def lesson(name, logdir, *flags):
    subprocess.run([sys.executable, "-m", f"lessons.{name}", "--quiet", "--logdir", str(logdir), *flags],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chromium:
    """Headless Chromium driven over its DevTools pipe (fd 3 takes commands, fd 4 gives replies, NUL-separated)."""

    def __init__(self, size, profile):
        self.commands, theirs_in = os.pipe()[::-1]
        replies_out, self.replies = os.pipe()[::-1]
        ends = (theirs_in, replies_out)

        def onto_3_and_4():
            copies = [os.dup(fd) for fd in ends]
            for target, fd in zip((3, 4), copies):
                os.dup2(fd, target)

        self.process = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={profile}", f"--window-size={size}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=onto_3_and_4, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in ends:
            os.close(fd)
        self.ids, self.buffer, self.session = iter(range(1, 1 << 30)), b"", None
        (page,) = [t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page"]
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        width, height = map(int, size.split(","))
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        number = next(self.ids)
        message = {"id": number, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self.replies, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium stopped")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == number:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def gesture(self, kind, *where):
        """A mouse wheel step (x, y, dy) or a drag (x0, y0, x1, y1), as a reader's hand would make it."""
        mouse = "Input.dispatchMouseEvent"
        if kind == "wheel":
            x, y, dy = where
            self.call(mouse, type="mouseWheel", x=x, y=y, deltaX=0, deltaY=dy)
        else:
            x0, y0, x1, y1 = where
            self.call(mouse, type="mousePressed", x=x0, y=y0, button="left", clickCount=1)
            for k in range(1, 11):
                self.call(mouse, type="mouseMoved", x=x0 + (x1 - x0) * k / 10, y=y0 + (y1 - y0) * k / 10,
                          button="left", buttons=1)
                time.sleep(0.05)
            self.call(mouse, type="mouseReleased", x=x1, y=y1, button="left", clickCount=1)
        time.sleep(0.4)

    def capture(self) -> bytes:
        """The page as it is now, a PNG."""
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def close(self):
        self.process.kill()
        self.process.wait()
        os.close(self.commands)
        os.close(self.replies)


def screenshot(logdir, fragment, size, out, gestures=()):
    port = free_port()
    board = subprocess.Popen([sys.executable, "-m", "course", "tensorboard", "--logdir", str(logdir),
                              "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        board.stdout.readline()                      # "TensorBoard is serving ..."
        time.sleep(3)                                # let it read the event files
        urllib.request.urlopen(f"http://127.0.0.1:{port}/data/runs", timeout=30).read()
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:     # Chromium's helpers may write on
            chromium = Chromium(size, profile)
            try:
                chromium.call("Page.navigate", url=f"http://127.0.0.1:{port}/?darkMode=false{fragment}")
                time.sleep(WAIT)
                for gesture in gestures:
                    chromium.gesture(*gesture)
                Path(out).write_bytes(chromium.capture())
            finally:
                chromium.close()
    finally:
        stop(board)


def stop(server, grace=20):
    """End a server started here: SIGTERM, then SIGKILL if it has not ended after ``grace`` seconds."""
    server.terminate()
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        server.kill()


def main():
    if not shutil.which("chromium"):
        sys.exit("needs Debian's chromium: apt-get install chromium")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        runs = Path(tmp) / "runs"
        lesson("day1_perceptron", runs, "--dataset", "blobs")
        lesson("day2_mlp", runs)
        lesson("day7_gradient_descent", runs)
        lesson("day8_optimizers", runs)
        for name, (lesson_name, pattern, fragment, size) in SHOTS.items():
            logdir = Path(tmp) / name if lesson_name else runs
            for run in (runs / lesson_name).glob(pattern) if lesson_name else ():
                shutil.copytree(run, logdir / lesson_name / run.name)
            screenshot(logdir, fragment, size, OUT / f"{name}.png", GESTURES.get(name, ()))
            print(f"wrote {OUT / f'{name}.png'}")


if __name__ == "__main__":
    main()
