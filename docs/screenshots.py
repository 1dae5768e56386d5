"""Re-make the README's TensorBoard screenshots from real lesson runs (needs Debian's `chromium`).

    python docs/screenshots.py          # writes docs/tensorboard/*.png, about 2 minutes

Each screenshot gets a log directory of its own, holding only the runs it shows: Day 2's moons
run (images, custom scalars, graph), Day 1's blobs run (the update-step table), Day 7's runs side by
side (custom scalars), Day 8's four optimizers (HParams). TensorBoard is started through
`course tensorboard` on 127.0.0.1.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "tensorboard"
SHOTS = {   # name: (lesson, run-name pattern, dashboard URL fragment, window size)
    "images": ("day2_mlp", "*_moons", "#images&tagFilter=snapshots%7Cnetwork", "1400,1500"),
    "custom_scalars": ("day2_mlp", "*_moons", "#custom_scalars", "1400,800"),
    "graphs": ("day2_mlp", "*_moons", "#graphs", "1400,900"),
    "text": ("day1_perceptron", "*_blobs", "#text&tagFilter=trace", "1400,900"),
    "hparams": ("day8_optimizers", "*", "#hparams", "1600,700"),
    "comparisons": ("day7_gradient_descent", "*", "#custom_scalars&categoryFilter=side", "1400,1500"),
}


def lesson(name, logdir, *flags):
    subprocess.run([sys.executable, "-m", f"lessons.{name}", "--quiet", "--logdir", str(logdir), *flags],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def screenshot(logdir, fragment, size, out):
    port = free_port()
    board = subprocess.Popen([sys.executable, "-m", "course", "tensorboard", "--logdir", str(logdir),
                              "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        board.stdout.readline()                      # "TensorBoard is serving ..."
        time.sleep(3)                                # let it read the event files
        urllib.request.urlopen(f"http://127.0.0.1:{port}/data/runs", timeout=30).read()
        subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--window-size={size}", "--virtual-time-budget=20000", f"--screenshot={out}",
                        f"http://127.0.0.1:{port}/?darkMode=false{fragment}"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    finally:
        board.terminate()
        try:
            board.wait(timeout=20)
        except subprocess.TimeoutExpired:
            board.kill()


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
            logdir = Path(tmp) / name
            for run in (runs / lesson_name).glob(pattern):
                shutil.copytree(run, logdir / lesson_name / run.name)
            screenshot(logdir, fragment, size, OUT / f"{name}.png")
            print(f"wrote {OUT / f'{name}.png'}")


if __name__ == "__main__":
    main()
