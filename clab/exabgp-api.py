#!/usr/bin/env python3
"""ExaBGP API process for the clab harness.

ExaBGP writes one JSON event per line to our stdin; each is appended to DIR/exabgp-events.jsonl so the
harness can reconstruct session state and received routes. Lines appended to DIR/exabgp-commands are
written to our stdout, which ExaBGP executes as API commands. Exits when ExaBGP closes stdin.
"""
import os
import sys
import threading
import time

directory = sys.argv[1]
events_path = os.path.join(directory, "exabgp-events.jsonl")
commands_path = os.path.join(directory, "exabgp-commands")
stop = threading.Event()


def record_events():
    with open(events_path, "a", encoding="utf-8") as events:
        for line in sys.stdin:
            events.write(line if line.endswith("\n") else line + "\n")
            events.flush()
    stop.set()


def forward_commands():
    # Commands already in the file belong to an earlier run: start at its end.
    offset = os.path.getsize(commands_path) if os.path.exists(commands_path) else 0
    while not stop.wait(0.1):
        if not os.path.exists(commands_path):
            continue
        with open(commands_path, "r", encoding="utf-8") as commands:
            commands.seek(offset)
            chunk = commands.read()
        complete = chunk[: chunk.rfind("\n") + 1]
        offset += len(complete.encode("utf-8"))
        for command in complete.splitlines():
            if command.strip():
                sys.stdout.write(command.strip() + "\n")
                sys.stdout.flush()


threading.Thread(target=record_events, daemon=True).start()
try:
    forward_commands()
except (BrokenPipeError, KeyboardInterrupt):
    pass
