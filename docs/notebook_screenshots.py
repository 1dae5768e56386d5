"""Re-make the README's notebook screenshots: JupyterLab showing a lesson notebook and an exercise notebook, each
run in a Jupyter kernel first (needs the notebooks extra and Debian's `chromium`).

    python docs/notebook_screenshots.py          # writes docs/notebooks/*.png, about 2 minutes

What a learner gets: `course notebooks` copies the notebooks into a fresh folder; Day 2's lesson runs there top to
bottom at its default settings, and Day 3's exercises with the first exercise written right and `sgd_step` with
its sign flipped (a learner's classic); both are saved with their outputs. JupyterLab serves that folder on
127.0.0.1 (no token: nothing else can reach it) and headless Chromium, driven as in `docs/screenshots.py`,
photographs each notebook scrolled to the cell shown.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from screenshots import ROOT, Chromium, free_port, stop

WAIT = 15                   # seconds JupyterLab takes to open a notebook before its screenshot
OUT = ROOT / "docs" / "notebooks"
WRONG_SGD = "    return w + learning_rate * grad"
SHOTS = {   # name: (notebook, the text of the cell scrolled to the top, window size)
    "lesson": ("day02_mlp.ipynb", "day2.learn_xor(lesson)", "1400,1750"),
    "exercise": ("day03_weights_bias_exercises.ipynb", "day3.sgd_step: ", "1400,1250"),
}
# JupyterLab without its news, its update check and its extension manager (they would call the network); as
# root (a container), JupyterLab wants to be told
LAB = ["--no-browser", "--ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.news_url=None",
       "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
       *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]


def run_notebook(path: Path, edit=None) -> None:
    """Run the notebook at ``path`` in a fresh kernel (its folder the working directory) and save its outputs."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    if edit:
        edit(nb)
    NotebookClient(nb, timeout=900, kernel_name="python3", skip_cells_with_tag="tensorboard",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)


def write_exercises(nb) -> None:
    """Day 3's first exercise written as the course writes it; sgd_step written with its sign flipped."""
    from course.exercises import EXERCISES
    from course.exercises.texts import function_text
    for cell in nb.cells:
        first = EXERCISES["day3.neuron_gradients_mse"]
        if cell.cell_type == "code" and cell.source == function_text(first):
            cell.source = function_text(first, solution=True)
        sgd = EXERCISES["day3.sgd_step"]
        if cell.cell_type == "code" and cell.source == function_text(sgd):
            cell.source = cell.source.rsplit("\n", 1)[0] + "\n" + WRONG_SGD


def screenshot(port, notebook, top, size, out):
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:     # Chromium's helpers may write on
        chromium = Chromium(size, profile)
        try:
            chromium.call("Page.navigate", url=f"http://127.0.0.1:{port}/lab/tree/{notebook}?reset")
            time.sleep(WAIT)
            script = ("(() => { const cells = [...document.querySelectorAll('.jp-Cell')];"
                      f" const cell = cells.find(c => c.innerText.includes({json.dumps(top)}));"
                      " if (!cell) return false; cell.scrollIntoView({block: 'start'}); return true; })()")
            found = chromium.call("Runtime.evaluate", expression=script, returnByValue=True)["result"].get("value")
            if not found:
                Path(out).with_suffix(".failed.png").write_bytes(chromium.capture())
                raise RuntimeError(f"{notebook}: no cell shows {top!r} (what the page showed: "
                                   f"{Path(out).with_suffix('.failed.png')})")
            time.sleep(3)
            Path(out).write_bytes(chromium.capture())
        finally:
            chromium.close()


def main():
    if not shutil.which("chromium"):
        sys.exit("needs Debian's chromium: apt-get install chromium")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "course-notebooks"
        subprocess.run([sys.executable, "-m", "course", "notebooks", str(folder)], check=True, cwd=tmp)
        run_notebook(folder / SHOTS["lesson"][0])
        run_notebook(folder / SHOTS["exercise"][0], write_exercises)
        # no "Would you like to get notified about official Jupyter news?" over the picture, no news fetched
        settings = Path(tmp) / "settings" / "@jupyterlab" / "apputils-extension"
        notification = settings / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        port = free_port()
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(Path(tmp) / "config"), "JUPYTERLAB_SETTINGS_DIR":
               str(Path(tmp) / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(Path(tmp) / "workspaces")}
        lab = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", f"--port={port}", *LAB,
                                f"--ServerApp.root_dir={folder}"], cwd=folder, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(60):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5).read()
                    break
                except OSError:
                    if lab.poll() is not None:
                        sys.exit(f"JupyterLab stopped (exit status {lab.returncode})")
                    time.sleep(1)
            else:
                sys.exit("JupyterLab did not answer within a minute")
            for name, (notebook, top, size) in SHOTS.items():
                screenshot(port, notebook, top, size, OUT / f"{name}.png")
                print(f"wrote {OUT / f'{name}.png'}")
        finally:
            stop(lab)


if __name__ == "__main__":
    main()
