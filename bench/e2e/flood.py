#!/usr/bin/env python3
"""A peer that floods bgpactorsd with UPDATEs as fast as TCP lets it, to see what the flood costs in memory.

One bgpactorsd on 127.41.0.1 (port --port), one neighbor 127.41.0.2 (passive on our side), and this
script as that neighbor: it connects, does the OPEN exchange, then writes --updates UPDATEs of
--per-update /24s each (about 4 KB apiece), cycling through a pool of --pool prefixes with a MED that
alternates every round, so the table stays at --pool prefixes and only queued work can grow.
The daemon's RSS is sampled every 50 ms from before the flood until it is quiet again. Everything
runs on loopback, in a temporary directory, and is stopped by PID; the loops are bounded in count
and time.

    python3 bench/e2e/flood.py                                   # the build output, 20,000 UPDATEs
    python3 bench/e2e/flood.py --bgpactorsd /path/to/bgpactorsd --updates 20000
"""

import argparse
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAEMON, PEER = '127.41.0.1', '127.41.0.2'
LOCAL_AS, PEER_AS = 65000, 65002
PAGE = os.sysconf('SC_PAGE_SIZE')
CLK_TCK = os.sysconf('SC_CLK_TCK')


def message(kind, body):
    return b'\xff' * 16 + struct.pack('!HB', 19 + len(body), kind) + body


def open_message():
    caps = bytes([1, 4, 0, 1, 0, 1]) + bytes([65, 4]) + struct.pack('!I', PEER_AS)   # MP ipv4-unicast, 4-octet AS
    params = bytes([2, len(caps)]) + caps
    return message(1, struct.pack('!BHH4sB', 4, PEER_AS, 90, socket.inet_aton(PEER), len(params)) + params)


KEEPALIVE = message(4, b'')


def update(prefixes, med):
    attrs = (bytes([0x40, 1, 1, 0])                                                   # ORIGIN IGP
             + bytes([0x40, 2, 6, 2, 1]) + struct.pack('!I', PEER_AS)                 # AS_PATH: AS_SEQUENCE [65002]
             + bytes([0x40, 3, 4]) + socket.inet_aton(PEER)                           # NEXT_HOP
             + bytes([0x80, 4, 4]) + struct.pack('!I', med))                          # MED
    nlri = b''.join(bytes([24]) + struct.pack('!I', p << 8)[:3] for p in prefixes)
    return message(2, struct.pack('!H', 0) + struct.pack('!H', len(attrs)) + attrs + nlri)


def rss(pid):
    try:
        with open(f'/proc/{pid}/statm', 'rb') as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def cpu(pid):
    try:
        with open(f'/proc/{pid}/stat', 'rb') as f:
            fields = f.read().rsplit(b')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return 0.0


def read_message(sock, deadline):
    data = b''
    while len(data) < 19 and time.time() < deadline:
        chunk = sock.recv(19 - len(data))
        if not chunk:
            raise RuntimeError('the daemon closed the connection')
        data += chunk
    length = struct.unpack('!H', data[16:18])[0]
    while len(data) < length and time.time() < deadline:
        chunk = sock.recv(length - len(data))
        if not chunk:
            raise RuntimeError('the daemon closed the connection')
        data += chunk
    return data[18], data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bgpactorsd', default=os.path.join(REPO, 'src', 'Bgp.Host', 'bin', 'Release', 'net10.0', 'bgpactorsd'))
    ap.add_argument('--port', type=int, default=1790)
    ap.add_argument('--updates', type=int, default=20000, help='UPDATEs to send (default 20,000)')
    ap.add_argument('--per-update', type=int, default=1000, help='/24s per UPDATE (default 1,000: about 4 KB)')
    ap.add_argument('--pool', type=int, default=65536, help='distinct prefixes cycled through (default 65,536)')
    ap.add_argument('--timeout', type=float, default=300, help='bound on the whole run in seconds')
    args = ap.parse_args()
    deadline = time.time() + args.timeout

    work = tempfile.mkdtemp(prefix='bgpactors-flood-')
    config = os.path.join(work, 'bgpactorsd.toml')
    with open(config, 'w') as f:
        f.write(f'''[global]
asn = {LOCAL_AS}
router_id = "{DAEMON}"
listen_addresses = ["{DAEMON}"]
listen_port = {args.port}
runtime_state_dir = "{work}"

[global.telemetry]
log_format = "json"

[[neighbors]]
address = "{PEER}"
remote_asn = {PEER_AS}
passive = true
export = "none"
''')
    log = open(os.path.join(work, 'bgpactorsd.log'), 'wb')
    daemon = subprocess.Popen([args.bgpactorsd, config], stdout=log, stderr=log, start_new_session=True)
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append((time.time(), rss(daemon.pid)))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    try:
        sock = None
        while sock is None and time.time() < deadline and daemon.poll() is None:
            try:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.bind((PEER, 0))
                s.settimeout(10)
                s.connect((DAEMON, args.port))
                sock = s
            except OSError:
                s.close()
                time.sleep(0.1)
        if sock is None:
            raise RuntimeError(f'bgpactorsd did not listen on {DAEMON}:{args.port}; see {work}')
        sock.sendall(open_message())
        kind, _ = read_message(sock, deadline)
        if kind != 1:
            raise RuntimeError(f'expected OPEN, got message type {kind}')
        sock.sendall(KEEPALIVE)
        kind, _ = read_message(sock, deadline)
        time.sleep(1)                                     # the session settles; this is the baseline
        base = rss(daemon.pid)
        sampler.start()

        pool = [0x0A0000 + i for i in range(args.pool)]     # /24 numbers: 10.0.0.0/24 onwards
        # two rounds over the pool with different MEDs: every announcement changes the route
        rounds = [[update(pool[i:i + args.per_update], med) for i in range(0, args.pool, args.per_update)] for med in (1, 2)]
        per_round = len(rounds[0])
        started = time.time()
        sent = 0
        while sent < args.updates and time.time() < deadline:
            n = min(64, args.updates - sent)
            sock.sendall(b''.join(rounds[((sent + k) // per_round) % 2][(sent + k) % per_round] for k in range(n)))
            sent += n
        written = time.time() - started
        sock.sendall(KEEPALIVE)

        # quiet: the daemon used under 5 % of a core over a second (bounded by the deadline)
        last = cpu(daemon.pid)
        while time.time() < deadline:
            time.sleep(1)
            now = cpu(daemon.pid)
            if now - last < 0.05:
                break
            last = now
        drained = time.time() - started
        stop.set()
        sampler.join(timeout=2)
        peak = max(v for _, v in samples)
        after = rss(daemon.pid)
        mb = 1024 * 1024
        print(f'{args.bgpactorsd}')
        print(f'  sent {sent:,} UPDATEs ({sent * args.per_update:,} prefixes over a pool of {args.pool:,}) in {written:.2f} s; '
              f'quiet after {drained:.2f} s')
        print(f'  RSS: {base / mb:.1f} MB before, peak {peak / mb:.1f} MB, {after / mb:.1f} MB once quiet')
        sock.close()
    finally:
        stop.set()
        if daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGTERM)
            try:
                daemon.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait(timeout=10)
        log.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
