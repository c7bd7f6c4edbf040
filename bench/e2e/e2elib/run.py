"""One measured run: one target, one size, one mode.

Phases (times on the monotonic clock):
  peers up   the monitor and the testers start and load their configs (BIRD: the static routes,
             disabled; replay testers: the rewritten feed). Not timed.
  setup      t_start: the target is started. Once it listens on 127.40.0.1:179 the peers are
             let connect; setup ends when every tester's and the monitor's session with the
             target is Established, as the peers see it.
  announce   t0: the testers are told to announce (BIRD: `enable announce`; replay: "go").
  converge   ends at the first poll where the monitor holds every expected prefix (normal: NxP;
             fanout: NxP and every tester (N-1)xP; mrt: the feed's prefixes, and no import at the
             monitor for --quiet seconds, the end being the last poll that saw one).
  measure    at that poll: the target's CPU seconds; its peak RSS from the sampler.
"""

import os
import shutil
import statistics
import tempfile
import time

from .apiprobe import ApiProbe
from .birdctl import BirdError
from .peers import BirdMonitor, BirdTester, ReplayTester
from .plan import PORT, TARGET_ADDR
from .procs import TreeSampler, cpu_seconds, listening, session_pids


class RunFailed(Exception):
    pass


def _established(facts):
    return facts.get('bgp_state') == 'Established'


class Run:
    def __init__(self, target, plan, opts, repeat_index):
        self.target = target
        self.plan = plan
        self.opts = opts
        self.repeat_index = repeat_index
        self.dir = tempfile.mkdtemp(prefix='bgpactors-e2e-{0}-{1}-'.format(target.name, plan.label))
        self.monitor = BirdMonitor(self.dir)
        self.testers = []
        self._probe = None
        self.result = {'target': target.name, 'size': plan.label, 'mode': plan.mode, 'testers': plan.n,
                       'prefixes_per_tester': plan.p, 'repeat': repeat_index, 'ok': False,
                       'loadavg_1m_before': round(os.getloadavg()[0], 2)}

    def log(self, msg):
        if self.opts.verbose:
            print('    [{0} {1} #{2}] {3}'.format(self.target.name, self.plan.label, self.repeat_index, msg), flush=True)

    # --- the phases ---------------------------------------------------------------------------

    def execute(self):
        plan, opts = self.plan, self.opts
        try:
            self._start_peers()
            expected = plan.expected_monitor(self.feed_prefixes)
            self.result['expected_monitor'] = expected
            self.result['expected_tester'] = plan.expected_tester()

            t_start = time.monotonic()
            proc = self.target.start(self.dir, plan)
            sampler = TreeSampler(proc.pid, interval=opts.sample_interval)
            sampler.start()
            self.result['setup_only'] = self.target.setup_only
            t0 = None
            try:
                t_listen, t_setup = self._wait_sessions(proc, t_start)
                self.result['listen_s'] = round(t_listen - t_start, 3) if t_listen else None
                self.result['setup_s'] = round(t_setup - t_start, 3)
                self.log('sessions up after {0:.2f} s'.format(t_setup - t_start))
                if self.target.setup_only:
                    self.result['cpu_s'] = round(cpu_seconds(session_pids(proc.pid)), 3)
                    self.result['note'] = 'setup only: this bgpactorsd build does not re-advertise routes yet'
                else:
                    peers_cpu0 = self._peers_cpu()
                    probe = self._start_api_probe()
                    t0 = time.monotonic()
                    for t in self.testers:
                        t.announce()
                    self.result['announce_issue_s'] = round(time.monotonic() - t0, 3)
                    try:
                        t_conv, first = self._wait_converged(proc, t0, expected)
                    finally:
                        if probe:
                            self.result['api_probe'] = probe.finish()
                    cpu = cpu_seconds(session_pids(proc.pid))
                    problem = self.target.verify(self.monitor, plan)
                    if problem:
                        raise RunFailed(problem)
                    if probe:
                        self.result['api_list'] = probe.list_best()
                        self.log('api: {0}; list {1}'.format(self.result['api_probe'], self.result['api_list']))
                    peers_cpu = {n: c - peers_cpu0.get(n, 0.0) for n, c in self._peers_cpu().items()}
                    monitor_cpu = peers_cpu.pop(self.monitor.name, 0.0)
                    self.result.update({
                        'convergence_s': round(t_conv - t0, 3),
                        'first_route_s': round(first - t0, 3) if first else None,
                        'total_s': round(t_conv - t_start, 3),
                        'cpu_s': round(cpu, 3),
                        'monitor_cpu_s': round(monitor_cpu, 3),
                        'testers_cpu_s': round(sum(peers_cpu.values()), 3),
                        'tester_cpu_max_s': round(max(peers_cpu.values()), 3) if peers_cpu else None,
                    })
            finally:
                peak, hwm, nprocs = sampler.finish()
                self.result.update({
                    'peak_rss_mb': round(peak / 2**20, 1),
                    'hwm_sum_mb': round(hwm / 2**20, 1),
                    'target_processes': nprocs,
                    'rss_samples': sampler.samples,
                })
            if t0 is not None:
                self._tester_stats(t0)
            self.result['ok'] = True
            return self.result
        except (RunFailed, BirdError, TimeoutError, RuntimeError, OSError) as e:
            self.result['error'] = str(e)
            tail = self.target.proc.log_tail() if self.target.proc else ''
            if tail:
                self.result['target_log_tail'] = tail
            return self.result
        finally:
            self._stop_all()

    def _start_api_probe(self):
        if not getattr(self.opts, 'api_probe', False) or self.target.name != 'bgpactorsd':
            return None
        socket_path = os.path.join(self.dir, 'target', 'state', 'grpc.sock')
        probe = ApiProbe(self.opts.api_bench, socket_path, self.log)
        probe.start()
        self._probe = probe
        return probe

    def _start_peers(self):
        plan, opts = self.plan, self.opts
        self.monitor.start()
        if plan.mode == 'mrt':
            self.testers = [ReplayTester(t, plan, self.dir, opts.replay_peer, opts.setup_timeout + 120)
                            for t in plan.testers]
        else:
            self.testers = [BirdTester(t, plan, self.dir) for t in plan.testers]
        for t in self.testers:
            t.start()
        # BIRD parses its static routes (about 1 s per 100k), a replay tester rewrites the feed (~2 s)
        load_timeout = 120 if plan.mode == 'mrt' else 60 + plan.p / 20000
        self.monitor.wait_ready(load_timeout)
        for t in self.testers:
            t.wait_ready(load_timeout)
        self.feed_prefixes = None
        if plan.mode == 'mrt':
            counts = {int(t.ready['prefixes']) for t in self.testers}
            if len(counts) != 1:
                raise RunFailed('replay testers disagree on the feed\'s prefix count: {0}'.format(sorted(counts)))
            self.feed_prefixes = counts.pop()
            self.result['feed'] = dict(self.testers[0].ready)
        self.log('peers ready')

    def _peers(self):
        return [self.monitor] + self.testers

    def _check_target(self, proc):
        if not proc.alive():
            raise RunFailed('target exited (code {0}):\n{1}'.format(proc.returncode(), proc.log_tail()))

    def _wait_sessions(self, proc, t_start):
        """Waits for the target to listen, lets the peers connect, waits for every session.

        Returns (time the target was seen listening, time every session was Established). The
        peers connect only once the target listens, so no connect-retry timer of theirs is in the
        setup time; a connection the target refuses or drops is retried after a second.
        """
        deadline = t_start + self.opts.setup_timeout
        interval = 0.01
        t_listen = None
        for _ in range(int(self.opts.setup_timeout / interval) + 2):
            self._check_target(proc)
            if listening(TARGET_ADDR, PORT):
                t_listen = time.monotonic()
                break
            if time.monotonic() >= deadline:
                raise RunFailed('the target did not listen on {0}:{1} within {2:.0f} s'.format(TARGET_ADDR, PORT, self.opts.setup_timeout))
            time.sleep(interval)
        for p in self._peers():
            p.connect()
        interval = 0.02
        for _ in range(int(self.opts.setup_timeout / interval) + 2):
            self._check_target(proc)
            states = {p.name: p.session() for p in self._peers()}
            if all(_established(f) for f in states.values()):
                return t_listen, time.monotonic()
            if time.monotonic() >= deadline:
                down = ['{0}: {1} ({2})'.format(n, f.get('bgp_state'), f.get('last_error') or '-')
                        for n, f in states.items() if not _established(f)]
                raise RunFailed('sessions not Established after {0:.0f} s: {1}'.format(self.opts.setup_timeout, '; '.join(down[:6])))
            self.target.poke()
            time.sleep(interval)
        raise RunFailed('setup wait exceeded its bound')

    def _wait_converged(self, proc, t0, expected):
        """Polls until converged; returns (time of convergence, time the monitor saw its first route)."""
        opts, plan = self.opts, self.plan
        want_tester = plan.expected_tester()
        deadline = t0 + opts.timeout
        first = None
        last_change = t0
        last_value = None
        cpu_at_change = cpu_seconds(session_pids(proc.pid))
        polls = int(opts.timeout / opts.interval) + 10
        unanswered = 0
        for poll in range(polls):
            self._check_target(proc)
            now = time.monotonic()
            try:
                mon = self.monitor.session()
                unanswered = 0
            except BirdError as e:
                # a monitor busy importing a large table may be slow to answer its socket
                unanswered += 1
                if unanswered > 5 or now >= deadline:
                    raise RunFailed('the monitor stopped answering: {0}'.format(e))
                continue
            if not _established(mon):
                raise RunFailed('monitor session left Established: {0} ({1})'.format(mon['bgp_state'], mon['last_error']))
            got = mon['imported']
            self.result['monitor_updates'] = mon['import_received']
            if got and first is None:
                first = now
            value = (got, mon['import_received'])
            tester_ok = True
            if plan.mode == 'fanout' or poll % 10 == 0:
                # fanout needs the testers' counts every time; otherwise check their sessions now and then
                for t in self.testers:
                    f = t.session()
                    if not _established(f):
                        raise RunFailed('{0} session left Established: {1} ({2})'.format(t.name, f['bgp_state'], f['last_error']))
                    if plan.mode == 'fanout':
                        value += (f['imported'],)
                        tester_ok = tester_ok and f['imported'] >= want_tester
            if value != last_value:
                last_value = value
                last_change = now
                cpu_at_change = cpu_seconds(session_pids(proc.pid))
            # (in mrt mode the feed announces a few prefixes it withdraws later: more is a passing state)
            if got > expected and plan.mode != 'mrt':
                raise RunFailed('monitor holds {0} prefixes, more than the {1} expected'.format(got, expected))
            if plan.mode == 'mrt':
                if got == expected and now - last_change >= opts.quiet:
                    return last_change, first
            elif got == expected and tester_ok:
                return now, first
            if now - last_change >= opts.stall:
                busy = cpu_seconds(session_pids(proc.pid)) - cpu_at_change
                if busy < 0.02 * (now - last_change):
                    raise RunFailed('stalled: monitor at {0} of {1} for {2:.0f} s with the target idle ({3:.2f} CPU s)'
                                    .format(got, expected, now - last_change, busy))
            if now >= deadline:
                raise RunFailed('timeout after {0:.0f} s: monitor at {1} of {2}{3}'.format(
                    opts.timeout, got, expected,
                    ', testers at {0}'.format(list(value[2:])) if plan.mode == 'fanout' else ''))
            self.target.poke()
            for t in self.testers:
                t.poke()
            time.sleep(opts.interval)
        raise RunFailed('convergence wait exceeded its bound')

    def _peers_cpu(self):
        """CPU seconds so far of each of the harness's own peers, by name."""
        return {p.name: cpu_seconds(session_pids(p.proc.pid)) for p in self._peers() if p.proc}

    def _tester_stats(self, t0):
        if self.plan.mode != 'mrt':
            # what the target sent the testers: nothing in normal mode, (N-1)xP routes in fanout
            facts = [t.session() for t in self.testers]
            self.result['testers_updates_received'] = sum(f['import_received'] for f in facts)
            self.result['testers_withdraws_received'] = sum(f['import_withdraws_received'] for f in facts)
        if self.plan.mode == 'mrt':
            sent = [t.sent for t in self.testers]
            if all(sent):
                self.result['testers_sent_s'] = round(max(s['at'] for s in sent) - t0, 3)

    def _stop_all(self):
        if self._probe:
            self._probe.kill()
        self.target.stop()
        for p in reversed(self._peers()):
            try:
                p.stop()
            except Exception as e:  # keep stopping the rest
                print('warning: stopping {0}: {1}'.format(p.name, e))
        if self.plan.mode == 'mrt' and self.result.get('ok'):
            got = [t.updates_received for t in self.testers]
            if all(g is not None for g in got):
                self.result['testers_updates_received'] = sum(got)
        if self.result.get('ok') and not self.opts.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            self.result['run_dir'] = self.dir


def median_summary(runs):
    ok = [r for r in runs if r.get('ok')]
    out = {'runs': len(runs), 'ok': len(ok)}
    for key in ('listen_s', 'setup_s', 'convergence_s', 'first_route_s', 'total_s', 'peak_rss_mb', 'hwm_sum_mb', 'cpu_s', 'monitor_cpu_s', 'testers_cpu_s'):
        values = [r[key] for r in ok if r.get(key) is not None]
        if values:
            out[key] = round(statistics.median(values), 3)
    if ok and all(r.get('setup_only') for r in ok):
        out['setup_only'] = True
    errors = [r['error'] for r in runs if r.get('error')]
    if errors:
        out['errors'] = errors
    return out
