#!/usr/bin/python3
"""drgn's view of a vmcore, checked against expectations (tests/e2e).

usage: drgn_check.py VMCORE VMLINUX [--ko MODULE.ko]...
                     [--crashed FUNC] [--cpu N:FUNC]... [--task COMM]

Prints one "PASS drgn: …" or "FAIL drgn: …" line per check, plus the
stacks it saw, and exits 1 if any check failed. Written for Debian
bookworm's drgn 0.0.22 (python3-drgn, /usr/bin/python3): kdump-compressed
files are read through libkdumpfile, registers of CPU N come from the N-th
NT_PRSTATUS note, the crashed CPU from panic_cpu.
"""
import argparse
import sys

import drgn
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.pid import for_each_task

failures = 0


def check(ok, what, detail=""):
    global failures
    if not ok:
        failures += 1
    line = f"{'PASS' if ok else 'FAIL'} drgn: {what}"
    print(line + (f" ({detail})" if detail and not ok else ""), flush=True)


def frame_names(trace):
    names = []
    for frame in trace:
        name = frame.name
        if name is None:
            # No DWARF for this frame: fall back to the symbol table, then
            # to the address; the last frame may not even have a PC.
            try:
                name = frame.symbol().name
            except LookupError:
                try:
                    name = hex(frame.pc)
                except LookupError:
                    name = "?"
        names.append(name)
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vmcore")
    ap.add_argument("vmlinux")
    ap.add_argument("--ko", action="append", default=[])
    ap.add_argument("--crashed")
    ap.add_argument("--cpu", action="append", default=[])
    ap.add_argument("--task")
    args = ap.parse_args()

    prog = drgn.Program()
    try:
        prog.set_core_dump(args.vmcore)
    except Exception as e:  # drgn raises ValueError, OSError or Exception
        check(False, "opens the vmcore", f"{type(e).__name__}: {e}")
        return 1
    check(True, "opens the vmcore")
    try:
        prog.load_debug_info([args.vmlinux] + args.ko)
    except drgn.MissingDebugInfoError as e:
        # Modules we did not pass (virtio_blk, …) have no debug info here;
        # only vmlinux matters for the checks.
        print(f"note: drgn: {str(e).splitlines()[0]}", flush=True)

    if args.crashed:
        try:
            thread = prog.crashed_thread()
            names = frame_names(thread.stack_trace())
            print(f"drgn: crashed thread {thread.tid}: {' '.join(names)}")
            check(args.crashed in names,
                  f"crashed thread's stack has {args.crashed}", " ".join(names))
        except Exception as e:
            check(False, f"crashed thread's stack has {args.crashed}",
                  f"{type(e).__name__}: {e}")

    for spec in args.cpu:
        cpu, func = spec.split(":", 1)
        what = f"CPU {cpu}'s stack has {func}"
        try:
            task = per_cpu(prog["runqueues"], int(cpu)).curr
            names = frame_names(prog.stack_trace(task))
            comm = task.comm.string_().decode()
            print(f"drgn: CPU {cpu} ({comm}): {' '.join(names)}")
            check(func in names, what, " ".join(names))
        except Exception as e:
            check(False, what, f"{type(e).__name__}: {e}")

    if args.task:
        what = f"task list has {args.task}"
        try:
            comms = [t.comm.string_().decode() for t in for_each_task(prog)]
            check(args.task in comms, what, f"{len(comms)} tasks")
        except Exception as e:
            check(False, what, f"{type(e).__name__}: {e}")

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
