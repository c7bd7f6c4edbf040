"""The daemons under test, each with the same job in its own dialect.

Every target: AS 65000 at 127.40.0.1 port 179, eBGP to every peer (multihop, since loopback
addresses other than its own count as remote), passive towards the testers (they connect, every
second), active towards the monitor, 1 s connect-retry where the daemon has one, all IPv4
unicast. Testers' routes are accepted as they come; the monitor gets every best route; the
testers get nothing in normal and mrt mode (export to them is refused by policy) and every best
route in fanout mode. No kernel/FIB interaction anywhere.
"""

import ipaddress
import os
import re
import shutil
import socket
import subprocess

from .birdctl import BirdCtl, wait_ready
from .plan import MONITOR_ADDR, MONITOR_AS, PORT, PREFIX_BASE, TARGET_ADDR, TARGET_AS
from .procs import Proc


def _run(argv, timeout=20):
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        return r.returncode, r.stdout.decode('utf-8', 'replace')
    except (OSError, subprocess.TimeoutExpired) as e:
        return -1, str(e)


def _version(argv, pattern, fallback=lambda out: out.strip()):
    """The version a daemon prints: the first group of pattern, else fallback(output)."""
    _, out = _run(argv)
    m = re.search(pattern, out)
    return m.group(1) if m else fallback(out)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Target:
    name = None
    binary = None
    setup_only = False          # the daemon cannot re-advertise routes: measure setup only
    note = ''

    def __init__(self, opts):
        self.opts = opts
        self.proc = None

    def available(self):
        return shutil.which(self.binary) is not None or os.access(self.binary, os.X_OK)

    def version(self):
        return 'unknown'

    def start(self, run_dir, plan):
        raise NotImplementedError

    def poke(self):
        pass

    def verify(self, monitor, plan):
        """After convergence: what the monitor holds shows the target did its job; returns a problem or None."""
        return None

    def stop(self):
        if self.proc:
            self.proc.stop()


class BirdTarget(Target):
    name = 'bird'
    binary = 'bird'
    note = 'one master table; per peer protocol; pokes on the control socket while waiting'

    def version(self):
        return _version(['bird', '--version'], r'BIRD version (\S+)')

    def start(self, run_dir, plan):
        d = os.path.join(run_dir, 'target')
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, 'bird.conf')
        ctl = os.path.join(d, 'bird.ctl')
        common = ('  local {0} as {1};\n  multihop 8;\n  strict bind;\n'
                  '  connect delay time 1; connect retry time 1; error wait time 1,2;\n').format(TARGET_ADDR, TARGET_AS)
        with open(conf, 'w') as f:
            f.write('router id {0};\nlog stderr {{ warning, error, fatal, bug }};\nprotocol device {{ }}\n'.format(TARGET_ADDR))
            for t in plan.testers:
                f.write('protocol bgp {0} {{\n{1}  neighbor {2} as {3};\n  passive on;\n'.format(t.name, common, t.addr, t.asn))
                f.write('  ipv4 {{ import all; export {0}; }};\n}}\n'.format('all' if plan.export_to_testers else 'none'))
            f.write('protocol bgp monitor {{\n{0}  neighbor {1} as {2};\n'.format(common, MONITOR_ADDR, MONITOR_AS))
            f.write('  ipv4 { import none; export all; };\n}\n')
        self.proc = Proc('target-bird', ['bird', '-f', '-c', conf, '-s', ctl], os.path.join(d, 'bird.log'))
        self.ctl = BirdCtl(ctl)
        return self.proc

    def poke(self):
        self.ctl.poke()

    def stop(self):
        if getattr(self, 'ctl', None):
            self.ctl.close()
        super().stop()


class GoBgpTarget(Target):
    name = 'gobgp'
    binary = 'gobgpd'
    note = ('explicit neighbors; a global export policy rejects routes to the testers (neighbor-level '
            'policy applies to route-server clients only)')

    def version(self):
        return _version(['gobgpd', '--version'], r'gobgpd version (\S+)')

    def start(self, run_dir, plan):
        d = os.path.join(run_dir, 'target')
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, 'gobgpd.toml')
        out = ['[global.config]', '  as = {0}'.format(TARGET_AS), '  router-id = "{0}"'.format(TARGET_ADDR),
               '  port = {0}'.format(PORT), '  local-address-list = ["{0}"]'.format(TARGET_ADDR),
               '[global.apply-policy.config]', '  default-import-policy = "accept-route"',
               '  default-export-policy = "accept-route"']
        if not plan.export_to_testers:
            # In GoBGP a neighbor's own apply-policy is used for route-server clients only; for
            # plain peers the global export policy decides, a neighbor set matching the receiver.
            out += ['  export-policy-list = ["nothing-to-testers"]', '',
                    '[[defined-sets.neighbor-sets]]', '  neighbor-set-name = "testers"',
                    '  neighbor-info-list = [{0}]'.format(', '.join('"{0}"'.format(t.addr) for t in plan.testers)), '',
                    '[[policy-definitions]]', '  name = "nothing-to-testers"',
                    '  [[policy-definitions.statements]]', '    name = "reject-to-testers"',
                    '    [policy-definitions.statements.conditions.match-neighbor-set]',
                    '      neighbor-set = "testers"', '      match-set-options = "any"',
                    '    [policy-definitions.statements.actions]', '      route-disposition = "reject-route"']
        out.append('')
        peers = [(t.addr, t.asn, True) for t in plan.testers] + [(MONITOR_ADDR, MONITOR_AS, False)]
        for addr, asn, passive in peers:
            out += ['[[neighbors]]',
                    '  [neighbors.config]', '    neighbor-address = "{0}"'.format(addr), '    peer-as = {0}'.format(asn),
                    '  [neighbors.transport.config]', '    local-address = "{0}"'.format(TARGET_ADDR),
                    '    passive-mode = {0}'.format('true' if passive else 'false'),
                    '  [neighbors.timers.config]', '    connect-retry = 1',
                    '  [neighbors.ebgp-multihop.config]', '    enabled = true', '    multihop-ttl = 8',
                    '  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', '      afi-safi-name = "ipv4-unicast"',
                    '']
        with open(conf, 'w') as f:
            f.write('\n'.join(out))
        api = '127.0.0.1:{0}'.format(_free_port())
        self.proc = Proc('target-gobgp', ['gobgpd', '-f', conf, '-t', 'toml', '--api-hosts', api, '--pprof-disable',
                                          '-p', '-l', 'info'], os.path.join(d, 'gobgpd.log'))
        return self.proc


class FrrTarget(Target):
    name = 'frr'
    binary = '/usr/lib/frr/bgpd'
    note = 'bgpd alone (-Z, no zebra); default coalesce-time; route-map deny out to testers'

    def version(self):
        return _version([self.binary, '--version'], r'bgpd version (\S+)', lambda out: out.strip().splitlines()[0])

    def start(self, run_dir, plan):
        d = os.path.join(run_dir, 'target')
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, 'bgpd.conf')
        lines = ['frr defaults traditional', 'hostname target', 'log stdout errors', '!',
                 'route-map NOTHING deny 10', '!',
                 'router bgp {0}'.format(TARGET_AS),
                 ' bgp router-id {0}'.format(TARGET_ADDR),
                 ' no bgp ebgp-requires-policy',
                 ' no bgp network import-check',
                 ' no bgp default ipv4-unicast']
        peers = [(t.addr, t.asn, True) for t in plan.testers] + [(MONITOR_ADDR, MONITOR_AS, False)]
        for addr, asn, passive in peers:
            lines += [' neighbor {0} remote-as {1}'.format(addr, asn),
                      ' neighbor {0} update-source {1}'.format(addr, TARGET_ADDR),
                      ' neighbor {0} ebgp-multihop 8'.format(addr),
                      ' neighbor {0} timers connect 1'.format(addr),
                      ' neighbor {0} advertisement-interval 0'.format(addr)]
            if passive:
                lines.append(' neighbor {0} passive'.format(addr))
        lines.append(' address-family ipv4 unicast')
        for addr, asn, passive in peers:
            lines.append('  neighbor {0} activate'.format(addr))
            if passive and not plan.export_to_testers:
                lines.append('  neighbor {0} route-map NOTHING out'.format(addr))
        lines += [' exit-address-family', '!', '']
        with open(conf, 'w') as f:
            f.write('\n'.join(lines))
        self.proc = Proc('target-frr', [self.binary, '-f', conf, '-i', os.path.join(d, 'bgpd.pid'), '--vty_socket', d,
                                        '-p', str(PORT), '-l', TARGET_ADDR, '-Z', '-n', '-S', '-P', '0',
                                        '-u', 'root', '-g', 'root'], os.path.join(d, 'bgpd.log'))
        return self.proc


class OpenBgpdTarget(Target):
    name = 'openbgpd'
    binary = '/usr/sbin/bgpd'
    note = 'bgpd -d (4 processes, memory summed); fib-update no; nexthop qualify via default'

    def available(self):
        return os.access(self.binary, os.X_OK) and shutil.which('bgpctl') is not None

    def version(self):
        return _version(['bgpctl', '-V'], r'OpenBGPD (\S+)')

    def start(self, run_dir, plan):
        d = os.path.join(run_dir, 'target')
        os.makedirs(d, exist_ok=True)
        os.makedirs('/run/openbgpd', exist_ok=True)    # its children chroot there
        conf = os.path.join(d, 'bgpd.conf')
        lines = ['AS {0}'.format(TARGET_AS), 'router-id {0}'.format(TARGET_ADDR), 'fib-update no',
                 'listen on {0}'.format(TARGET_ADDR), 'socket "{0}"'.format(os.path.join(d, 'bgpd.sock')),
                 # the testers' next hops (198.18/15) resolve only through the default route
                 'nexthop qualify via default', '']
        peers = [(t.addr, t.asn, True) for t in plan.testers] + [(MONITOR_ADDR, MONITOR_AS, False)]
        for addr, asn, passive in peers:
            lines += ['neighbor {0} {{'.format(addr), '  remote-as {0}'.format(asn),
                      '  local-address {0}'.format(TARGET_ADDR), '  multihop 8', '  enforce neighbor-as no']
            if passive:
                lines.append('  passive')
            lines += ['}', '']
        lines.append('allow from any')
        if plan.export_to_testers:
            lines.append('allow to any')
        else:
            lines.append('allow to {0}'.format(MONITOR_ADDR))
        lines.append('')
        with open(conf, 'w') as f:
            f.write('\n'.join(lines))
        os.chmod(conf, 0o600)
        self.proc = Proc('target-openbgpd', [self.binary, '-d', '-f', conf], os.path.join(d, 'bgpd.log'))
        return self.proc


class BgpActorsTarget(Target):
    name = 'bgpactorsd'
    note = 'the config of bench/e2e/README.md; JSON logs at info'

    def __init__(self, opts):
        super().__init__(opts)
        self.binary = opts.bgpactorsd
        self._export_key = None

    def available(self):
        return os.path.exists(self.binary)

    def _argv(self):
        if self.binary.endswith('.dll'):
            return ['dotnet', self.binary]
        return [self.binary]

    def version(self):
        _, out = _run(self._argv() + ['--version'])
        return out.strip().splitlines()[-1] if out.strip() else 'unknown'

    def _config(self, run_dir, plan, export_key, probe=False):
        state = os.path.join(run_dir, 'target', 'state')
        os.makedirs(state, exist_ok=True)
        out = ['[global]', 'asn = {0}'.format(TARGET_AS), 'router_id = "{0}"'.format(TARGET_ADDR),
               'listen_addresses = ["{0}"]'.format(TARGET_ADDR), 'runtime_state_dir = "{0}"'.format(state), '',
               '[global.telemetry]', 'log_format = "json"', 'log_level = "info"', '']
        for t in plan.testers:
            out += ['[[neighbors]]', 'address = "{0}"'.format(t.addr), 'remote_asn = {0}'.format(t.asn),
                    'local_address = "{0}"'.format(TARGET_ADDR), 'passive = true', 'connect_retry = 1',
                    'families = ["ipv4-unicast"]']
            if export_key and (probe or not plan.export_to_testers):
                out.append('export = "none"')
            out.append('')
        out += ['[[neighbors]]', 'address = "{0}"'.format(MONITOR_ADDR), 'remote_asn = {0}'.format(MONITOR_AS),
                'local_address = "{0}"'.format(TARGET_ADDR), 'connect_retry = 1', 'families = ["ipv4-unicast"]', '']
        return '\n'.join(out)

    def probe(self, run_dir, plan):
        """Whether this build knows `export` (the RIB that re-advertises came with it)."""
        if self._export_key is None:
            path = os.path.join(run_dir, 'probe.toml')
            os.makedirs(os.path.join(run_dir, 'target'), exist_ok=True)
            with open(path, 'w') as f:
                f.write(self._config(run_dir, plan, export_key=True, probe=True))
            code, out = _run(self._argv() + ['--check', path], timeout=60)
            if code == 0:
                self._export_key = True
            elif 'unknown key `export`' in out:
                self._export_key = False
            else:
                raise RuntimeError('bgpactorsd --check refused the generated config:\n' + out)
            self.setup_only = not self._export_key
        return self._export_key

    def start(self, run_dir, plan):
        export_key = self.probe(run_dir, plan)
        d = os.path.join(run_dir, 'target')
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, 'bgpactorsd.toml')
        with open(conf, 'w') as f:
            f.write(self._config(run_dir, plan, export_key))
        self.proc = Proc('target-bgpactorsd', self._argv() + [conf], os.path.join(d, 'bgpactorsd.log'))
        return self.proc


class BgpActorsPolicyTarget(BgpActorsTarget):
    """bgpactorsd with the 10-statement import chain of bench/e2e/README.md ("Policy cost")."""
    name = 'bgpactorsd-policy'
    note = 'bgpactorsd, every route through a 10-statement import chain with a 10,000-entry prefix set'

    def _config(self, run_dir, plan, export_key, probe=False):
        text = super()._config(run_dir, plan, export_key, probe)
        # import_policy goes into [global], before its [global.telemetry] table
        text = text.replace('\n\n[global.telemetry]', '\nimport_policy = ["edge-in"]\n\n[global.telemetry]', 1)
        return text + '\n' + policy_config()

    def verify(self, monitor, plan):
        """The chain ran: a customer /24 carries the large community it adds, another route the community of `rest`."""
        if plan.mode == 'mrt' or plan.n * plan.p < 5:
            return None
        for prefix, mark in (('10.0.0.0/24', '(65000, 1, 1)'), ('10.0.4.0/24', '(65000,999)')):
            reply = '\n'.join(monitor.ctl.cmd('show route for {0} all'.format(prefix)))
            if mark not in reply:
                return 'the monitor\'s {0} lacks {1}, which the import chain adds: {2}'.format(prefix, mark, reply)
        return None


def policy_config(customers=10000):
    """Sets and the 10-statement policy `edge-in`: every statement a route server or edge writes, and a
    prefix set of `customers` /22s (le 24) spread evenly over the testers' 10.0.0.0-25.x /24s, so about
    4% of the routes stop at `customers` and the rest run on to the last statements. Every tester route
    is accepted (and changed: LOCAL_PREF, a community), so convergence means the same as without it."""
    stride = 25 * 1024              # every 25th /22: 10,000 of them cover 10.0.0.0 up to 25.66.0.0
    sets = ', '.join('"{0}/22 le 24"'.format(ipaddress.IPv4Address(PREFIX_BASE + i * stride)) for i in range(customers))
    return '\n'.join([
        '[as_path_sets]',
        'transit = ["_174_", "_3356_", "_1299_", "_6939_"]',
        '',
        '[community_sets]',
        'opt-out = ["0:65000", "65000:0", "65535:65281"]',
        '',
        '[prefix_sets]',
        'bogons = ["0.0.0.0/8 le 32", "127.0.0.0/8 le 32", "169.254.0.0/16 le 32", "192.168.0.0/16 le 32", '
        '"224.0.0.0/3 le 32", "0.0.0.0/0 ge 25"]',
        'customers = [' + sets + ']',
        '',
        '[policies.edge-in]',
    ] + [line for statement in _STATEMENTS for line in ['[[policies.edge-in.statements]]'] + statement + ['']])


_STATEMENTS = [
    ['name = "bogons"', 'action = "reject"', 'match = { prefix_set = "bogons" }'],
    ['name = "too-long"', 'action = "reject"', 'match = { as_path_length = "40.." }'],
    ['name = "transit-in-path"', 'action = "reject"', 'match = { as_path_set = "transit", route_type = "external" }'],
    ['name = "blackhole"', 'action = "accept"', 'match = { communities = ["blackhole"], prefixes = ["0.0.0.0/0 ge 32"] }',
     'set = { communities = { add = ["no-export"] } }'],
    ['name = "opt-out"', 'action = "reject"', 'match = { community_set = "opt-out" }'],
    ['name = "documentation-origin"', 'action = "reject"', 'match = { origin_asn = ["64496..64511", "65536..65551"] }'],
    ['name = "med-clamp"', 'action = "next"', 'match = { med = "1000.." }', 'set = { med = 1000 }'],
    ['name = "customers"', 'action = "accept"', 'match = { prefix_set = "customers" }',
     'set = { local_pref = 200, large_communities = { add = ["65000:1:1"] } }'],
    ['name = "peers"', 'action = "accept"', 'match = { as_path = "^(2914|3257|6453)_" }', 'set = { local_pref = 150 }'],
    ['name = "rest"', 'action = "accept"', 'set = { communities = { add = ["65000:999"] } }'],
]


TARGETS = {cls.name: cls for cls in (BirdTarget, OpenBgpdTarget, FrrTarget, GoBgpTarget, BgpActorsTarget, BgpActorsPolicyTarget)}
