#!/usr/bin/python3
"""NMI for run-guest.sh -M: once the guest's console shows PD-NMI-NOW,
inject an NMI through QEMU's HMP monitor (`nmi`: every vCPU gets one), as a
hypervisor's or BMC's "NMI button" does to a hung machine.

usage: nmi.py CONSOLE_LOG MONITOR_SOCKET TIMEOUT_SECONDS
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module  # noqa: E402

ref = import_module("ref-dump")

READY = b"PD-NMI-NOW"


def main():
    console, monitor, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(console, "rb") as f:
                if READY in f.read():
                    break
        except FileNotFoundError:
            pass
        time.sleep(0.5)
    else:
        print("nmi.py: the guest never said PD-NMI-NOW", file=sys.stderr)
        return 1
    sock = ref.connect(monitor, deadline)
    ref.hmp(sock, "", deadline)
    print("nmi.py: injecting an NMI", file=sys.stderr, flush=True)
    ref.hmp(sock, "nmi", deadline)
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
