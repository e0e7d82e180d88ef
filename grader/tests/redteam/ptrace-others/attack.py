"""Tries to attach a debugger (ptrace) to every process."""

import ctypes


def attack(*args, **kwargs):
    libc = ctypes.CDLL(None, use_errno=True)
    attached = []
    for pid in range(1, 5000):
        if libc.ptrace(16, pid, None, None) == 0:  # PTRACE_ATTACH
            attached.append(pid)
    raise RuntimeError(f"attached to {attached}")
