"""The cases of the exercise CLI's fault catalogue (``faults``), grouped by class of fault. The first of each group
are the cases issue 20 lists; those marked ``# +`` are more of the same spirit."""
import signal

from tests.exercises.faults import Case, files, learner, link, outside_unchanged, put

CHECK = ["check", "--dir", "ws"]
OTHERS_CHECKED = "ok      day1.sigmoid"                     # the right sigmoid beside every hostile file
NO_TRAIN_FLAG = "--learning-rate"


def code(name, body, prelude=""):
    """A case's files: the hostile ``name`` exercise beside a right sigmoid."""
    return files(**{name: learner(name, body, prelude)})


def kept_somewhere(tmp, data):
    """The state's bytes are still there: set aside, or left in place."""
    places = [tmp / "ws" / ".course-exercises.json.corrupt", tmp / "ws" / ".course-exercises.json"]
    return any(p.is_file() and p.read_bytes() == data for p in places)


def state(text):
    return put("ws/.course-exercises.json", text.encode("latin-1"))


LEARNER = "learner code ends or fools the checker"
FILES = "files a learner really has"
TRAIN = "--train"
WORKSPACE = "the workspace"
ENDINGS = "how a command ends"

CASES = [
    # --- learner code: an exit, a signal, an escape, a fooled verdict ----------------------------------------
    Case("SystemExit(0) in the function", LEARNER, CHECK, 1, code("sgd_step", "raise SystemExit(0)"),
         says=("FAIL    day3.sgd_step", "SystemExit(0)", OTHERS_CHECKED)),
    Case("SystemExit(4) in the function", LEARNER, CHECK, 1, code("sgd_step", "raise SystemExit(4)"),
         says=("SystemExit(4)", OTHERS_CHECKED)),
    Case("sys.exit(3) at import", LEARNER, CHECK, 1, code("sgd_step", "return w", "import sys\nsys.exit(3)"),
         says=("SystemExit(3)", OTHERS_CHECKED)),
    Case("os._exit(0) at import", LEARNER, CHECK, 1, code("sgd_step", "return w", "import os\nos._exit(0)"),
         says=("exit status 0", OTHERS_CHECKED)),
    Case("os._exit(5) at import", LEARNER, CHECK, 1, code("sgd_step", "return w", "import os\nos._exit(5)"),
         says=("exit status 5", OTHERS_CHECKED)),
    Case("exit() at import", LEARNER, CHECK, 1, code("sgd_step", "return w", "exit()"),
         says=("SystemExit(", OTHERS_CHECKED)),
    Case("KeyboardInterrupt raised in the function", LEARNER, CHECK, 1, code("sgd_step", "raise KeyboardInterrupt"),
         says=("raised KeyboardInterrupt", OTHERS_CHECKED)),
    Case("GeneratorExit raised in the function", LEARNER, CHECK, 1, code("sgd_step", "raise GeneratorExit"),
         says=("raised GeneratorExit", OTHERS_CHECKED)),
    Case("a custom BaseException in the function", LEARNER, CHECK, 1,
         code("sgd_step", "raise Out('no')", "class Out(BaseException):\n    pass"), says=("raised Out", OTHERS_CHECKED)),
    Case("a non-daemon thread that never ends", LEARNER, ["check", "day3.sgd_step", "--dir", "ws"], 0,
         code("sgd_step", None, "import threading, time\nthreading.Thread(target=lambda: time.sleep(10 ** 6)).start()"),
         says=("ok      day3.sgd_step",), timeout=20),
    Case("SIGALRM disarmed, then a loop", LEARNER, CHECK, 1,
         code("sgd_step", "while True:\n    pass", "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                                   "signal.setitimer(signal.ITIMER_REAL, 0)"),
         says=("time-out", OTHERS_CHECKED), timeout=20),
    Case("os.chdir at import", LEARNER, CHECK, 1, code("sgd_step", None, "import os\nos.chdir('/')"),
         says=("ok      day3.sgd_step", OTHERS_CHECKED),
         kept=lambda tmp: "" if (tmp / "ws/solutions/day3/sgd_step.py").is_file() else "the solution went elsewhere"),
    Case("a complex result (+ 5j)", LEARNER, CHECK, 1, code("sgd_step", "return (w - learning_rate * grad) + 5j"),
         says=("complex", OTHERS_CHECKED)),
    Case("the checker patched from the learner's file", LEARNER, CHECK, 1,
         code("sgd_step", "return w * 2", "import course.exercises.checker as c\nc.same_outputs = lambda *a: True\n"
                                          "import course.exercises.exercise as e\ne.same_outputs = lambda *a: True"),
         says=("FAIL    day3.sgd_step",)),
    Case("SIGKILL to itself", LEARNER, CHECK, 1,                                              # +
         code("sgd_step", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"), says=("SIGKILL", OTHERS_CHECKED)),
    Case("a segmentation fault", LEARNER, CHECK, 1,                                            # +
         code("sgd_step", "import ctypes\nctypes.string_at(0)"), says=("SIGSEGV", OTHERS_CHECKED)),
    Case("a megabyte printed, to stdout and to fd 1", LEARNER, ["check", "day3.sgd_step", "--dir", "ws"], 0,  # +
         code("sgd_step", "import os\nprint('x' * 10 ** 6)\nos.write(1, b'{\"op\": 1}\\n' * 1000)\n"
                          "return w - learning_rate * grad"), says=("ok      day3.sgd_step",)),
    Case("the pipes closed at import", LEARNER, CHECK, 1,                                     # +
         code("sgd_step", "return w", "import os\nfor fd in range(3, 256):\n    try:\n        os.close(fd)\n"
                                      "    except OSError:\n        pass"), says=(OTHERS_CHECKED,)),
    Case("garbage written into every descriptor", LEARNER, CHECK, 1,                          # +
         code("sgd_step", "return w", "import os\nfor fd in range(0, 64):\n    try:\n"
                                      "        os.write(fd, b'\\xff' * 64)\n    except OSError:\n        pass"),
         says=(OTHERS_CHECKED,)),
    Case("a forked child that sleeps forever", LEARNER, CHECK, 1,                              # +
         code("sgd_step", "return w", "import os, time\nif os.fork() == 0:\n    while True:\n        time.sleep(1)"),
         says=(OTHERS_CHECKED,), timeout=20),
    Case("endless recursion", LEARNER, CHECK, 1, code("sgd_step", "return sgd_step(w, grad, learning_rate)"),  # +
         says=("RecursionError", OTHERS_CHECKED)),
    Case("a result whose __array__ loops", LEARNER, CHECK, 1,                                 # +
         code("sgd_step", "return Loop()", "class Loop:\n    def __array__(self, *a, **k):\n        while True:\n"
                                           "            pass"), says=("got Loop", OTHERS_CHECKED), timeout=20),
    Case("a generator returned", LEARNER, CHECK, 1, code("sgd_step", "yield w"),                # +
         says=("generator", OTHERS_CHECKED)),
    Case("input() in the function", LEARNER, CHECK, 1, code("sgd_step", "return w * float(input())"),  # +
         says=("no keyboard input", OTHERS_CHECKED)),
    Case("an endless loop at import", LEARNER, CHECK, 1, code("sgd_step", "return w", "while True:\n    pass"),  # +
         says=("loading the file did not finish", OTHERS_CHECKED), timeout=20),
    Case("a terabyte asked for", LEARNER, CHECK, 1, code("sgd_step", "return np.ones(10 ** 12)"),  # +
         says=("MemoryError", OTHERS_CHECKED)),
    Case("SIGTERM ignored, then a loop", LEARNER, CHECK, 1,                                    # +
         code("sgd_step", "while True:\n    pass", "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)"),
         says=("time-out", OTHERS_CHECKED), timeout=20),
    Case("NumPy patched to agree with anything", LEARNER, CHECK, 1,                            # +
         code("sgd_step", "return w * 3", "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                                          "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)"),
         says=("FAIL    day3.sgd_step",)),
    Case("a thread that calls os._exit after a right answer", LEARNER, CHECK, 1,               # +
         code("sgd_step", None, "import os, threading\nthreading.Timer(0.2, lambda: os._exit(9)).start()"),
         says=("ok      day3.sgd_step", OTHERS_CHECKED)),
    Case("sys.stdout closed at import", LEARNER, ["check", "day3.sgd_step", "--dir", "ws"], 0,  # +
         code("sgd_step", None, "import sys\nsys.stdout.close()"), says=("ok      day3.sgd_step",)),

    # --- files a learner really has ----------------------------------------------------------------------------
    Case("a byte that is not UTF-8", FILES, CHECK, 1, files(sgd_step=learner("sgd_step", None, "# caf\xe9").encode(
        "latin-1")), says=("Non-UTF-8", OTHERS_CHECKED)),
    Case("UTF-16 with a byte-order mark", FILES, CHECK, 1, files(sgd_step=learner("sgd_step").encode("utf-16")),
         says=("UTF-16", OTHERS_CHECKED)),
    Case("# -*- coding: latin-1 -*-", FILES, ["check", "day3.sgd_step", "--dir", "ws"], 0,
         files(sgd_step=learner("sgd_step", None, "# caf\xe9", "# -*- coding: latin-1 -*-\n").encode("latin-1")),
         says=("ok      day3.sgd_step",)),
    Case("a UTF-8 byte-order mark", FILES, ["check", "day3.sgd_step", "--dir", "ws"], 0,
         files(sgd_step=b"\xef\xbb\xbf" + learner("sgd_step").encode()), says=("ok      day3.sgd_step",)),
    Case("exercises list with a byte that is not UTF-8", FILES, ["exercises", "list", "--dir", "ws"], 0,
         files(sgd_step=learner("sgd_step", None, "# caf\xe9").encode("latin-1")),
         says=("not yet  day3.sgd_step", "done     day1.sigmoid")),
    Case("--watch with a byte that is not UTF-8", FILES, ["check", "--watch", "--dir", "ws"], 0,
         files(sgd_step=learner("sgd_step", None, "# caf\xe9").encode("latin-1")), process="watch",
         signal=(signal.SIGINT, "Watching ws/"), says=("Non-UTF-8", "Watching ws/", "Stopped watching.")),
    Case("an empty file", FILES, CHECK, 1, files(sgd_step=""), says=("define a function named sgd_step",)),  # +
    Case("a directory where the file belongs", FILES, CHECK, 1, files(),                        # +
         setup=lambda tmp: ((tmp / "ws/day3/sgd_step.py").unlink(), (tmp / "ws/day3/sgd_step.py").mkdir()),
         says=("cannot read", OTHERS_CHECKED)),
    Case("the file deleted", FILES, CHECK, 1, files(), setup=lambda tmp: (tmp / "ws/day3/sgd_step.py").unlink(),  # +
         says=("not yet day3.sgd_step: no file for it in this workspace: course exercises init writes its starter",
               OTHERS_CHECKED)),
    Case("a FIFO where the file belongs", FILES, CHECK, 1, files(),                              # +
         setup=lambda tmp: ((tmp / "ws/day3/sgd_step.py").unlink(), __import__("os").mkfifo(tmp / "ws/day3/sgd_step.py")),
         says=("not a regular file", OTHERS_CHECKED), timeout=20),
    Case("a link to /dev/zero", FILES, CHECK, 1, files(), setup=link("day3/sgd_step.py", "/dev/zero"),  # +
         says=("not a regular file", OTHERS_CHECKED), timeout=20),
    Case("a file of 5 MB", FILES, CHECK, 1, files(sgd_step=learner("sgd_step") + "#" * (5 << 20)),  # +
         says=("over 1 MB", OTHERS_CHECKED)),
    Case("null bytes", FILES, CHECK, 1, files(sgd_step=learner("sgd_step").encode() + b"\x00\x00"),  # +
         says=("null bytes", OTHERS_CHECKED)),
    Case("an unknown encoding declared", FILES, CHECK, 1,                                        # +
         files(sgd_step=learner("sgd_step", header="# -*- coding: klingon -*-\n")), says=("klingon", OTHERS_CHECKED)),
    Case("tabs and spaces mixed", FILES, CHECK, 1,                                              # +
         files(sgd_step="import numpy as np\ndef sgd_step(w, grad, learning_rate):\n    if True:\n\treturn w\n"),
         says=("syntax error", OTHERS_CHECKED)),
    Case("a learner's line with an accent, PYTHONIOENCODING=ascii", FILES, CHECK, 1,             # +
         files(sgd_step=learner("sgd_step", "raise ValueError('déjà vu')")), process="env",
         env={"PYTHONIOENCODING": "ascii"}, says=("ValueError",)),
    Case("the untouched starter saved with Windows line endings", FILES, ["check", "day3.sgd_step", "--dir", "ws"],  # +
         1, setup=lambda tmp: (tmp / "ws/day3/sgd_step.py").write_bytes(
             (tmp / "ws/day3/sgd_step.py").read_bytes().replace(b"\n", b"\r\n")), says=("not yet ",)),

    # --- --train -------------------------------------------------------------------------------------------------
    Case("a function that loops on its 6th call", TRAIN, ["check", "day8.momentum_step", "--train", "--dir", "ws",
                                                            "--logdir", "logs"], 1,
         files(momentum_step=learner("momentum_step", "n[0] += 1\nwhile n[0] == 6:\n    pass\n"
                                     "velocity = 0.9 * velocity - learning_rate * grad\nreturn w + velocity, velocity",
                                     "n = [0]")), process="tensorflow", says=("did not return within 2 s at step 3",),
         timeout=90),
    Case("a function that raises on its 6th call", TRAIN, ["check", "day8.momentum_step", "--train", "--dir", "ws",
                                                            "--logdir", "logs"], 1,
         files(momentum_step=learner("momentum_step", "n[0] += 1\nif n[0] == 6:\n    raise ValueError('six')\n"
                                     "velocity = 0.9 * velocity - learning_rate * grad\nreturn w + velocity, velocity",
                                     "n = [0]")), process="tensorflow",
         says=("ValueError: six at step 3", "raise ValueError('six')"), never=("compiled.py",), timeout=90),
    Case("a function that returns NaN later", TRAIN, ["check", "day8.momentum_step", "--train", "--dir", "ws",
                                                       "--logdir", "logs"], 1,
         files(momentum_step=learner("momentum_step", "n[0] += 1\nvelocity = 0.9 * velocity - learning_rate * grad\n"
                                     "return (w + velocity) * (np.nan if n[0] > 20 else 1), velocity", "n = [0]")),
         process="tensorflow", says=("not finite", "at step 11"), never=(NO_TRAIN_FLAG,), timeout=90),
    Case("Ctrl-C during --train", TRAIN, ["check", "day8.momentum_step", "--train", "--dir", "ws", "--logdir",
                                          "logs"], 130, files(momentum_step=learner("momentum_step", "time.sleep(0.5)\n"
                                     "velocity = 0.9 * velocity - learning_rate * grad\nreturn w + velocity, velocity",
                                     "import time")), process="tensorflow",
         signal=(signal.SIGINT, "Training 60 epochs"), says=("Stopped by Ctrl-C",), timeout=90),
    Case("Ctrl-C while TensorFlow loads", TRAIN, ["check", "day8.momentum_step", "--train", "--dir", "ws", "--logdir",
                                                  "logs"], 130, files(momentum_step=learner("momentum_step")),
         process="tensorflow", signal=(signal.SIGINT, 1.5), says=("Stopped by Ctrl-C",), timeout=90),
    Case("SIGTERM while TensorFlow loads", TRAIN, ["check", "day8.momentum_step", "--train", "--dir", "ws",  # +
                                                   "--logdir", "logs"], 143, files(momentum_step=learner("momentum_step", "time.sleep(0.5)\n"
                                     "velocity = 0.9 * velocity - learning_rate * grad\nreturn w + velocity, velocity",
                                     "import time")), process="tensorflow",
         signal=(signal.SIGTERM, 2.0), says=("Stopped by SIGTERM",), timeout=90),
    Case("os._exit on the 6th call", TRAIN, ["check", "day8.momentum_step", "--train", "--dir", "ws", "--logdir",  # +
                                             "logs"], 1,
         files(momentum_step=learner("momentum_step", "n[0] += 1\nif n[0] == 6:\n    os._exit(0)\n"
                                     "velocity = 0.9 * velocity - learning_rate * grad\nreturn w + velocity, velocity",
                                     "import os\nn = [0]")), process="tensorflow",
         says=("the process running your code ended (exit status 0) at step 3",), timeout=90),
    Case("--logdir is a file", TRAIN, ["check", "day8.momentum_step", "--train", "--dir", "ws", "--logdir", "f"], 2,  # +
         files(momentum_step=learner("momentum_step")), setup=put("f", b"a file"), says=("logdir",)),

    # --- the workspace ----------------------------------------------------------------------------------------------
    *[Case(f"state holding {text!r}", WORKSPACE, ["hint", "day3.sgd_step", "--dir", "ws"], 0, setup=state(text),
           says=("Hint 1 of", "warning: ws/.course-exercises.json was not readable"),
           kept=lambda tmp, text=text: "" if kept_somewhere(tmp, text.encode("latin-1")) else "the state was lost")
      for text in ("{}", "[]", "null", '{"hints": {"day3.sgd_step": "x"}}', '{"hints": []}', "{bad json")],
    Case("a state linked to another file", WORKSPACE, ["hint", "day3.sgd_step", "--dir", "ws"], 0,
         setup=link(".course-exercises.json", "outside/precious.txt"), says=("Hint 1 of", "symbolic link")),
    Case("init with a linked day1/", WORKSPACE, ["exercises", "init", "ws"], 2, init=False,
         setup=lambda tmp: ((tmp / "ws").mkdir(), (tmp / "ws/day1").symlink_to(tmp / "outside")),
         says=("symbolic link",), kept=outside_unchanged),
    Case("a solution through a linked solutions/", WORKSPACE, ["check", "day3.sgd_step", "--dir", "ws"], 0,
         files(sgd_step=learner("sgd_step")), setup=link("solutions", "outside"), says=("ok      day3.sgd_step",
                                                                                      "symbolic link"),
         never=("the course's solution, to compare",), kept=outside_unchanged),
    Case("init over a dangling link", WORKSPACE, ["exercises", "init", "ws"], 2, init=False,
         setup=lambda tmp: ((tmp / "ws/day3").mkdir(parents=True),
                            (tmp / "ws/day3/sgd_step.py").symlink_to(tmp / "outside/new.py")),
         says=("symbolic link",), kept=outside_unchanged),
    Case("a solution through a linked solutions/day3/", WORKSPACE, ["check", "day3.sgd_step", "--dir", "ws"], 0,  # +
         files(sgd_step=learner("sgd_step")), setup=lambda tmp: ((tmp / "ws/solutions").mkdir(),
                                                                 (tmp / "ws/solutions/day3").symlink_to(tmp / "outside")),
         says=("ok      day3.sgd_step",), kept=outside_unchanged),
    Case("a state that is a directory", WORKSPACE, ["hint", "day3.sgd_step", "--dir", "ws"], 0,  # +
         setup=lambda tmp: ((tmp / "ws/.course-exercises.json").unlink(), (tmp / "ws/.course-exercises.json").mkdir()),
         says=("Hint 1 of",)),
    Case("a state of 2 MB of garbage", WORKSPACE, ["hint", "day3.sgd_step", "--dir", "ws"], 0,  # +
         setup=state("x" * (2 << 20)), says=("Hint 1 of", "warning")),
    Case("a state linked nowhere", WORKSPACE, ["hint", "day3.sgd_step", "--dir", "ws"], 0,       # +
         setup=link(".course-exercises.json", "outside/nowhere.json"), says=("Hint 1 of",), kept=outside_unchanged),
    Case("--dir is a file", WORKSPACE, ["check", "--dir", "f"], 2, setup=put("f", b"x"), says=("no exercises in f",)),  # +
    Case("init into a file", WORKSPACE, ["exercises", "init", "f"], 2, setup=put("f", b"x"), init=False,  # +
         says=("is not a directory",)),
    Case("day3 is a file", WORKSPACE, CHECK, 1, files(),                                         # +
         setup=lambda tmp: (__import__("shutil").rmtree(tmp / "ws/day3"), (tmp / "ws/day3").write_text("x")),
         says=("cannot read", OTHERS_CHECKED)),
    Case("the learner's notes in solutions/ are kept", WORKSPACE, ["check", "day3.sgd_step", "--dir", "ws"], 0,  # +
         {**files(sgd_step=learner("sgd_step")), "solutions/day3/sgd_step.py": "# my notes\n"},
         says=("ok      day3.sgd_step",)),
    Case("init with a file-size limit (ulimit -f 0)", WORKSPACE, ["exercises", "init", "ws"], 74, init=False,  # +
         process="ulimit", says=("size limit",),
         kept=lambda tmp: "" if not (tmp / "ws").exists() else "a half-written workspace was left"),
    Case("grade a directory that does not exist", WORKSPACE, ["grade", "nope"], 2, says=("no such directory",)),  # +
    Case("grade a class with a learner who calls os._exit", WORKSPACE, ["grade", "ws", "--out", "out"], 0,  # +
         code("sgd_step", "return w", "import os\nos._exit(3)"), says=("ws       1",)),

    # --- how a command ends --------------------------------------------------------------------------------------
    Case("Ctrl-C during course check", ENDINGS, CHECK, 130, code("sgd_step", "while True:\n    pass"),
         process="signal", signal=(signal.SIGINT, 1.0), says=("Stopped by Ctrl-C",)),
    Case("standard output closed (>&-)", ENDINGS, CHECK, 120, files(), process="output", stdout="closed"),
    Case("standard output full (> /dev/full)", ENDINGS, CHECK, 120, files(), process="output", stdout="full"),
    Case("SIGTERM during course check", ENDINGS, CHECK, 143, code("sgd_step", "while True:\n    pass"),  # +
         process="signal", signal=(signal.SIGTERM, 1.0), says=("Stopped by SIGTERM",)),
    Case("course hint with standard output closed", ENDINGS, ["hint", "day3.sgd_step", "--dir", "ws"], 120,  # +
         process="output", stdout="closed"),
    Case("course grade with standard output full", ENDINGS, ["grade", "ws", "--out", "out"], 120,  # +
         process="output", stdout="full"),
]
