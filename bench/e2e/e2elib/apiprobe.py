"""The API side of a bgpactorsd run (--api-probe): gRPC latency while the table loads, listing speed after.

Before the announcements bench/Bgp.ApiBench (`bgp-api-bench probe`) warms up (5 calls of each, not
counted: the connection and the first-call JIT on both sides); during the announce/converge phase
it calls GetHealth and ListNeighbors in turn over the daemon's Unix socket, one call every 10 ms,
and reports latency percentiles when its stdin closes. After convergence `bgp-api-bench list` streams every best route
(ListRoutes, TABLE_BEST) three times and reports routes per second.
"""

import json
import os
import select
import subprocess


def bench_binary(repo):
    return os.path.join(repo, 'bench', 'Bgp.ApiBench', 'bin', 'Release', 'net10.0', 'bgp-api-bench')


class ApiProbe:
    def __init__(self, binary, socket_path, log):
        self.binary = binary
        self.socket = socket_path
        self.log = log
        self.proc = None

    def start(self, timeout=30):
        """Starts the probe and waits (bounded) until it has warmed up."""
        self.proc = subprocess.Popen([self.binary, 'probe', self.socket, '10'], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline().strip() if ready else ''
        if line != 'ready':
            self.kill()
            raise RuntimeError('the API probe did not warm up within {0} s: {1!r}'.format(timeout, line))

    def finish(self, timeout=30):
        """Stops the probe (closes its stdin) and returns its percentiles."""
        if self.proc is None:
            return None
        try:
            out, err = self.proc.communicate(input='', timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            return {'error': 'the probe did not stop within {0} s'.format(timeout)}
        finally:
            self.proc = None
        if not out.strip():
            return {'error': 'no output from the probe: ' + err.strip()[-500:]}
        return json.loads(out)

    def list_best(self, runs=3, timeout=600):
        done = subprocess.run([self.binary, 'list', self.socket, str(runs)], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not done.stdout.strip():
            return {'error': 'list failed: ' + (done.stderr or done.stdout).strip()[-500:]}
        return json.loads(done.stdout)

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.communicate()
            self.proc = None
