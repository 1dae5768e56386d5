"""Keep TensorFlow's worker servers off the network: the workers run in a network of their own.

TensorFlow's gRPC server, which ``MultiWorkerMirroredStrategy`` starts in every worker, listens on every
interface of the machine: "0.0.0.0:PORT" is written into TensorFlow itself, whatever address ``TF_CONFIG``
names, and the server runs operations for anyone who connects, without a password. So on Linux the course
starts its workers inside a private network namespace that holds nothing but a loopback interface: the
workers reach each other on 127.0.0.1 as before, and nothing outside that namespace, on this machine or on
the network, can reach their ports.

    why = private_network()       # in a fresh process: "" once inside, else why it could not be done

``python -m course.distribute.isolation DIR N TIMEOUT`` is the launcher ``run_workers`` starts: it enters a
private network, then starts and supervises the N workers of the job in DIR (``workers.supervise``). It exits
with ``NO_ISOLATION`` when this machine cannot make a private network (not Linux, or user namespaces turned
off); ``run_workers`` then refuses to start workers unless asked to let them on the network.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path

NO_ISOLATION = 75            # the launcher's exit status when no private network could be made
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def private_network() -> str:
    """Move this process into a new network namespace with its loopback interface up; "" on success, else the
    reason it could not (nothing changed then). Unprivileged users get a user namespace too, in which they may
    set up their own network."""
    if not sys.platform.startswith("linux"):
        return f"network namespaces are a Linux feature, and this is {sys.platform}"
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
    if libc.unshare(flags) != 0:
        return f"the kernel refused a private network ({os.strerror(ctypes.get_errno())})"
    try:
        if flags & CLONE_NEWUSER:      # be root inside the new user namespace: allowed to bring lo up
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
            Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            request = struct.pack("16sh22x", b"lo", 0)
            current = struct.unpack("16sh22x", fcntl.ioctl(s, SIOCGIFFLAGS, request))[1]
            fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", current | IFF_UP))
    except OSError as err:
        return f"the private network could not be set up ({err.strerror or errno.errorcode.get(err.errno, err)})"
    return ""


def interfaces(pid="self") -> list:
    """The network interfaces process ``pid`` sees (``/proc/PID/net/dev``): ["lo"] in a private network."""
    lines = Path(f"/proc/{pid}/net/dev").read_text().splitlines()[2:]
    return sorted(line.split(":")[0].strip() for line in lines)


def listening(pid="self") -> list:
    """(address, port) of every TCP socket listening in the network process ``pid`` sees (``/proc/PID/net``)."""
    found = []
    for name, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        try:
            rows = Path(f"/proc/{pid}/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            if state != "0A":                                      # 0A: LISTEN
                continue
            hex_address, hex_port = local.split(":")
            raw = bytes.fromhex(hex_address)
            raw = b"".join(raw[k:k + 4][::-1] for k in range(0, len(raw), 4))   # /proc writes 32-bit words
            found.append((socket.inet_ntop(family, raw), int(hex_port, 16)))
    return sorted(found)


def watch_parent() -> None:
    """Exit at once when the process that started us (``COURSE_PARENT_PID``) is gone: killed, crashed. A
    worker whose launcher is gone does the same, so no worker waits for its peers forever."""
    parent = int(os.environ.get("COURSE_PARENT_PID", "0"))

    def watch():
        while True:
            if parent and os.getppid() != parent:
                os._exit(3)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        directory, n_workers, timeout = argv
        n_workers, timeout = int(n_workers), float(timeout)
    except ValueError:
        print("usage: python -m course.distribute.isolation DIR N TIMEOUT   (course.distribute.workers.run_workers "
              "starts it; DIR holds job.json)", file=sys.stderr)
        return 2
    why = private_network()
    if why:
        Path(directory, "isolation.txt").write_text(why)
        return NO_ISOLATION
    from course.distribute.cluster import WorkerError, supervise
    from course.engine.signals import Terminated, raise_terminated
    signal.signal(signal.SIGTERM, raise_terminated)        # run_workers stops us: we stop the workers first
    watch_parent()
    try:
        supervise(Path(directory), n_workers, timeout)
    except WorkerError as err:
        Path(directory, "launcher.txt").write_text(str(err))
        return 1
    except Terminated:
        return 128 + signal.SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())
