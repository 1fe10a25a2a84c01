#!/usr/bin/python3
"""Reference dump for run-guest.sh -R: once the guest's console shows the end
of a panic, ask QEMU (HMP monitor on a unix socket) to write the guest's
memory as a kdump-compressed file, then quit QEMU.

usage: ref-dump.py CONSOLE_LOG MONITOR_SOCKET VMCORE TIMEOUT_SECONDS

This is independent of panicdump: it gives the e2e checks (crash, drgn) a
dump to run against while the capture module is absent or broken.
"""
import socket
import sys
import time

PANIC_END = b"---[ end Kernel panic"


def log(msg):
    print(f"ref-dump.py: [{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def wait_for_panic(console, deadline):
    while time.monotonic() < deadline:
        try:
            with open(console, "rb") as f:
                if PANIC_END in f.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.5)
    return False


def connect(path, deadline):
    while time.monotonic() < deadline:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            time.sleep(0.2)
    raise TimeoutError(f"no QEMU monitor at {path}")


def hmp(sock, command, deadline):
    """Send one HMP command and wait for the next prompt."""
    if command:
        sock.sendall(command.encode() + b"\n")
    buf = b""
    # The echo of the command comes first; the next prompt only once the
    # command has finished.
    while b"(qemu) " not in buf:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = sock.recv(4096)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace")


def main():
    console, monitor, vmcore, timeout = sys.argv[1:5]
    deadline = time.monotonic() + float(timeout)
    sock = connect(monitor, deadline)
    try:
        hmp(sock, "", deadline)  # banner and first prompt
        if not wait_for_panic(console, deadline):
            log("no panic seen on the console; quitting QEMU")
            return 1
        time.sleep(1)  # let the other CPU settle in its stop loop
        log(f"dump-guest-memory -p {vmcore}")
        out = hmp(sock, f"dump-guest-memory -p {vmcore}", deadline)
        if "rror" in out:
            log(out.strip())
            return 1
        log("dump written")
        return 0
    finally:
        # Whatever happened, do not leave QEMU running until the timeout.
        # Keep the connection open until QEMU closes it: closing first can
        # lose the command.
        sock.sendall(b"quit\n")
        sock.settimeout(30)
        try:
            while sock.recv(4096):
                pass
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
