#!/usr/bin/env python3
"""Which monitor is cheaper: BIRD or GoBGP? One BIRD tester announces P routes straight to a
candidate monitor standing where the target would (127.40.0.1, AS 65000); the candidate is polled
the way e2e.py would poll it until it holds all P. Prints the candidate's CPU seconds (its own,
and the polling's), peak RSS and time.

    python3 bench/e2e/monitor_cost.py --prefixes 200000
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib.birdctl import BirdCtl, protocol_facts, wait_ready   # noqa: E402
from e2elib.peers import BirdTester                               # noqa: E402
from e2elib.plan import TARGET_ADDR, TARGET_AS, Plan              # noqa: E402
from e2elib.procs import Proc, TreeSampler, cpu_seconds, install_signal_handlers, session_pids, stop_all  # noqa: E402


def bird_candidate(d, tester):
    conf, ctl = os.path.join(d, 'bird.conf'), os.path.join(d, 'bird.ctl')
    with open(conf, 'w') as f:
        f.write('router id {0};\nprotocol device {{ }}\nprotocol bgp t {{\n  local {0} as {1};\n'
                '  neighbor {2} as {3};\n  multihop 8;\n  strict bind;\n  passive on;\n'
                '  ipv4 {{ import all; export none; }};\n}}\n'.format(TARGET_ADDR, TARGET_AS, tester.addr, tester.asn))
    proc = Proc('candidate-bird', ['bird', '-f', '-c', conf, '-s', ctl], os.path.join(d, 'bird.log'))
    c = BirdCtl(ctl)
    wait_ready(c, 30, proc)

    def count():
        return protocol_facts(c.cmd('show protocols all t'))['imported']
    return proc, count


def gobgp_candidate(d, tester, port=50199):
    conf = os.path.join(d, 'gobgpd.toml')
    with open(conf, 'w') as f:
        f.write('[global.config]\n  as = {0}\n  router-id = "{1}"\n  local-address-list = ["{1}"]\n'
                '[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "{2}"\n    peer-as = {3}\n'
                '  [neighbors.transport.config]\n    local-address = "{1}"\n    passive-mode = true\n'
                '  [neighbors.ebgp-multihop.config]\n    enabled = true\n    multihop-ttl = 8\n'
                '  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "ipv4-unicast"\n'
                .format(TARGET_AS, TARGET_ADDR, tester.addr, tester.asn))
    proc = Proc('candidate-gobgp', ['gobgpd', '-f', conf, '--api-hosts', '127.0.0.1:{0}'.format(port),
                                    '--pprof-disable', '-p'], os.path.join(d, 'gobgpd.log'))
    poll_cpu = [0.0]

    def count():
        t = time.process_time()
        r = subprocess.run(['gobgp', '-p', str(port), 'neighbor', tester.addr, '-j'], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=30)
        poll_cpu[0] += time.process_time() - t
        if r.returncode != 0:
            return 0
        for af in json.loads(r.stdout).get('afi_safis', []):
            return af.get('state', {}).get('accepted', 0)
        return 0
    count.poll_cpu = poll_cpu
    return proc, count


def measure(kind, prefixes, interval):
    d = tempfile.mkdtemp(prefix='bgpactors-e2e-monitor-cost-')
    plan = Plan('normal', 1, prefixes)
    tester = BirdTester(plan.testers[0], plan, d)
    tester.start()
    tester.wait_ready(120)
    proc, count = (bird_candidate if kind == 'bird' else gobgp_candidate)(d, plan.testers[0])
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        for _ in range(600):
            if tester.session()['bgp_state'] == 'Established':
                break
            time.sleep(0.1)
        children0 = os.times().children_user + os.times().children_system
        t0 = time.monotonic()
        tester.announce()
        got = 0
        for _ in range(int(300 / interval)):
            got = count()
            if got >= prefixes:
                break
            tester.poke()
            time.sleep(interval)
        elapsed = time.monotonic() - t0
        cpu = cpu_seconds(session_pids(proc.pid))
        polls = os.times().children_user + os.times().children_system - children0
    finally:
        peak, hwm, _ = sampler.finish()
        proc.stop()
        tester.stop()
        shutil.rmtree(d, ignore_errors=True)
    return {'monitor': kind, 'prefixes': prefixes, 'held': got, 'seconds': round(elapsed, 2), 'cpu_s': round(cpu, 2),
            'poll_cli_cpu_s': round(polls, 2), 'peak_rss_mb': round(peak / 2**20, 1), 'hwm_mb': round(hwm / 2**20, 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--prefixes', type=int, default=200000)
    ap.add_argument('--interval', type=float, default=0.1)
    opts = ap.parse_args()
    install_signal_handlers()
    try:
        for kind in ('bird', 'gobgp'):
            print(json.dumps(measure(kind, opts.prefixes, opts.interval)), flush=True)
    finally:
        stop_all()


if __name__ == '__main__':
    main()
