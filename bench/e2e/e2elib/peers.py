"""The harness's own BGP speakers: BIRD testers, the BIRD monitor, and MRT replay testers."""

import os
import threading
import time

from .birdctl import BirdCtl, BirdError, protocol_facts, wait_ready
from .plan import MONITOR_ADDR, MONITOR_AS, TARGET_ADDR, TARGET_AS
from .procs import Proc

SESSION = 'target'       # the BGP protocol's name in every harness BIRD
STATIC = 'announce'      # the tester's static protocol, disabled until the announce phase

# The session starts disabled and is enabled when the target listens. BIRD then connects after its
# connect delay, which it never makes shorter than 1 s less a random quarter (0.75-1 s); after a
# refused or failed attempt it retries every second.
_SESSION_OPTS = 'disabled;\n  connect delay time 1; connect retry time 1; error wait time 1,2;'


class BirdPeer:
    """One BIRD process with one BGP session to the target."""

    kind = 'bird'

    def __init__(self, name, run_dir):
        self.name = name
        self.dir = os.path.join(run_dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, 'bird.conf')
        self.ctl_path = os.path.join(self.dir, 'bird.ctl')
        self.ctl = BirdCtl(self.ctl_path)
        self.proc = None

    def start(self):
        self.proc = Proc(self.name, ['bird', '-f', '-c', self.conf, '-s', self.ctl_path],
                         os.path.join(self.dir, 'bird.log'))

    def wait_ready(self, timeout):
        wait_ready(self.ctl, timeout, self.proc)

    def session(self):
        """Facts about the BGP session (state, routes imported...)."""
        return protocol_facts(self.ctl.cmd('show protocols all ' + SESSION))

    def connect(self):
        reply = self.ctl.cmd('enable ' + SESSION)
        if not any('enabled' in line for line in reply):
            raise BirdError('{0}: enable {1}: {2}'.format(self.name, SESSION, ' / '.join(reply)))

    def poke(self):
        self.ctl.poke()

    def stop(self):
        self.ctl.close()
        if self.proc:
            self.proc.stop()


class BirdTester(BirdPeer):
    """Announces P static /24s with its own next hop once its static protocol is enabled."""

    def __init__(self, tester, plan, run_dir):
        super().__init__(tester.name, run_dir)
        self.tester = tester
        with open(self.conf, 'w') as f:
            f.write('router id {0};\n'.format(tester.addr))
            f.write('log stderr { warning, error, fatal, bug };\n')
            f.write('protocol device { }\n')
            f.write('protocol static {0} {{\n  ipv4;\n  disabled;\n'.format(STATIC))
            for prefix in plan.tester_prefixes(tester):
                f.write('  route {0} blackhole;\n'.format(prefix))
            f.write('}\n')
            f.write('protocol bgp {0} {{\n'.format(SESSION))
            f.write('  local {0} as {1};\n  neighbor {2} as {3};\n'.format(tester.addr, tester.asn, TARGET_ADDR, TARGET_AS))
            f.write('  multihop 8;\n  strict bind;\n  {0}\n'.format(_SESSION_OPTS))
            f.write('  ipv4 {{ import {0}; export filter {{ bgp_next_hop = {1}; accept; }}; }};\n'.format(
                'all' if plan.export_to_testers else 'none', tester.next_hop))
            f.write('}\n')

    def announce(self):
        reply = self.ctl.cmd('enable ' + STATIC)
        if not any('enabled' in line for line in reply):
            raise BirdError('{0}: enable {1}: {2}'.format(self.name, STATIC, ' / '.join(reply)))


class BirdMonitor(BirdPeer):
    """Receives and keeps everything the target sends; `Routes: N imported` is the count."""

    def __init__(self, run_dir):
        super().__init__('monitor', run_dir)
        with open(self.conf, 'w') as f:
            f.write('router id {0};\n'.format(MONITOR_ADDR))
            f.write('log stderr { warning, error, fatal, bug };\n')
            f.write('protocol device { }\n')
            f.write('protocol bgp {0} {{\n'.format(SESSION))
            f.write('  local {0} as {1};\n  neighbor {2} as {3};\n'.format(MONITOR_ADDR, MONITOR_AS, TARGET_ADDR, TARGET_AS))
            f.write('  multihop 8;\n  strict bind;\n  {0}\n'.format(_SESSION_OPTS))
            f.write('  ipv4 { import all; export none; };\n')
            f.write('}\n')


class ReplayTester:
    """bench/Bgp.ReplayPeer: replays the MRT feed once told "go" on stdin."""

    kind = 'replay'

    def __init__(self, tester, plan, run_dir, binary, connect_timeout):
        self.name = tester.name
        self.tester = tester
        self.dir = os.path.join(run_dir, tester.name)
        os.makedirs(self.dir, exist_ok=True)
        self.argv = [binary, '--mrt', plan.mrt_file, '--local', tester.addr, '--router-id', tester.addr,
                     '--local-as', str(tester.asn), '--peer', TARGET_ADDR, '--peer-as', str(TARGET_AS),
                     '--index', str(tester.index), '--next-hop', tester.next_hop,
                     '--drop-as', plan.drop_as_list(), '--wait-connect', '--wait-go',
                     '--connect-timeout', str(int(connect_timeout)), '--hold-time', '180']
        self.proc = None
        self.ready = None          # dict from the "ready" line
        self.established = False
        self.sent = None           # dict from the "sent" line
        self.updates_received = None   # from the "stopped" line, once stopped
        self._reader = None

    def start(self):
        self.proc = Proc(self.name, self.argv, os.path.join(self.dir, 'replay.log'), stdin=True, stdout_pipe=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        with open(os.path.join(self.dir, 'stdout.log'), 'w') as log:
            for raw in iter(self.proc.popen.stdout.readline, b''):
                line = raw.decode('utf-8', 'replace').strip()
                log.write('{0:.3f} {1}\n'.format(time.monotonic(), line))
                log.flush()
                word, _, rest = line.partition(' ')
                fields = dict(kv.split('=', 1) for kv in rest.split() if '=' in kv)
                if word == 'ready':
                    self.ready = fields
                elif word == 'established':
                    self.established = True
                elif word == 'sent':
                    self.sent = dict(fields, at=time.monotonic())
                elif word == 'stopped':
                    self.updates_received = int(fields.get('updates_received', 0))

    def _check_alive(self):
        if not self.proc.alive():
            raise BirdError('{0} exited (code {1}):\n{2}'.format(self.name, self.proc.returncode(), self.proc.log_tail()))

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / 0.1) + 2):
            if self.ready is not None:
                return
            self._check_alive()
            if time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        raise BirdError('{0} did not load its feed within {1:.0f} s'.format(self.name, timeout))

    def session(self):
        self._check_alive()
        return {'bgp_state': 'Established' if self.established else 'Connect', 'imported': 0, 'last_error': None}

    def connect(self):
        self._tell(b'connect\n')

    def announce(self):
        self._tell(b'go\n')

    def _tell(self, line):
        self._check_alive()
        self.proc.popen.stdin.write(line)
        self.proc.popen.stdin.flush()

    def poke(self):
        pass

    def stop(self):
        if self.proc:
            self.proc.stop(close_stdout=self._reader is None)
            if self._reader:
                self._reader.join(timeout=5)
                self.proc.popen.stdout.close()
