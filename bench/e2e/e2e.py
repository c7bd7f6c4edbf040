#!/usr/bin/env python3
"""End-to-end route-server benchmark in the shape of bgperf2: N testers announce P prefixes each
to a target daemon, a monitor counts what the target re-advertises. See bench/e2e/README.md.

    python3 bench/e2e/e2e.py --sizes 2x10000,20x1000
    python3 bench/e2e/e2e.py --mode mrt --sizes 2 --targets bird,frr
    python3 bench/e2e/e2e.py --check
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib.apiprobe import bench_binary            # noqa: E402
from e2elib.plan import MODES, Plan                 # noqa: E402
from e2elib.procs import install_signal_handlers, stop_all   # noqa: E402
from e2elib.run import Run, median_summary          # noqa: E402
from e2elib.targets import TARGETS                  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
DEFAULT_MRT = os.path.abspath(os.path.join(REPO, 'testdata', 'mrt', 'ripe-bgpdump', 'test_data',
                                           'updates.et-header.2015.gz'))
DEFAULT_TARGETS = 'bird,openbgpd,frr,gobgp,bgpactorsd'


def parse_sizes(text, mode):
    sizes = []
    for item in text.split(','):
        item = item.strip().lower()
        if not item:
            continue
        n, _, p = item.partition('x')
        if mode == 'mrt':
            if p not in ('', 'mrt'):
                raise ValueError('in mrt mode a size is a tester count (e.g. 2 or 2xmrt), got {0!r}'.format(item))
            sizes.append((int(n), None))
        else:
            if not p:
                raise ValueError('a size is NxP (testers x prefixes each), got {0!r}'.format(item))
            sizes.append((int(n), int(p.replace('_', '').replace('k', '000').replace('m', '000000'))))
    if not sizes:
        raise ValueError('no sizes given')
    return sizes


def default_timeout(plan):
    """600 s at the largest sizes, less for small ones: a bound, not an expectation."""
    routes = 600_000 * plan.n if plan.mode == 'mrt' else plan.n * plan.p * (plan.n if plan.mode == 'fanout' else 1)
    return min(600, max(60, 60 + routes / 4000))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sizes', default='2x10000', help='comma-separated NxP (default 2x10000); in mrt mode N (testers)')
    ap.add_argument('--mode', choices=MODES, default='normal')
    ap.add_argument('--targets', default=DEFAULT_TARGETS, help='comma-separated, from ' + ', '.join(TARGETS))
    ap.add_argument('--repeat', type=int, default=3, help='runs per size and target; the table shows medians')
    ap.add_argument('--timeout', type=float, help='convergence bound per run in seconds (default: by size, at most 600)')
    ap.add_argument('--setup-timeout', type=float, default=60, help='bound on the setup phase (default 60)')
    ap.add_argument('--stall', type=float, default=60,
                    help='fail when the monitor\'s count has not moved for this long and the target is idle (default 60)')
    ap.add_argument('--quiet', type=float, default=3,
                    help='mrt mode: seconds without imports at the monitor that end a run (default 3)')
    ap.add_argument('--interval', type=float, default=0.1, help='poll interval in seconds (default 0.1)')
    ap.add_argument('--sample-interval', type=float, default=0.05, help='RSS sampling interval (default 0.05)')
    ap.add_argument('--mrt-file', default=DEFAULT_MRT, help='MRT update file the replay testers send (mrt mode)')
    ap.add_argument('--replay-peer', default=os.path.join(REPO, 'bench', 'Bgp.ReplayPeer', 'bin', 'Release', 'net10.0',
                                                          'bgp-replay-peer'))
    ap.add_argument('--bgpactorsd', default=os.path.join(REPO, 'src', 'Bgp.Host', 'bin', 'Release', 'net10.0', 'bgpactorsd'),
                    help='bgpactorsd apphost or .dll (default: this checkout\'s Release build)')
    ap.add_argument('--api-probe', action='store_true',
                    help='bgpactorsd: gRPC GetHealth/ListNeighbors latency during the load and ListRoutes speed after '
                         '(needs dotnet build -c Release bench/Bgp.ApiBench)')
    ap.add_argument('--api-bench', default=bench_binary(REPO), help='the bgp-api-bench binary (--api-probe)')
    ap.add_argument('--json', help='results file (default /tmp/bgpactors-e2e-results-<time>.json)')
    ap.add_argument('--keep', action='store_true', help='keep every run directory (failed runs are always kept)')
    ap.add_argument('--check', action='store_true',
                    help='smoke test: 2x1000 on bird and bgpactorsd, one run each, short bounds; exit 1 on failure')
    ap.add_argument('-v', '--verbose', action='store_true')
    opts = ap.parse_args()

    if opts.check:
        opts.sizes, opts.mode, opts.targets, opts.repeat = '2x1000', 'normal', 'bird,bgpactorsd', 1
        opts.timeout = opts.timeout or 20
        opts.setup_timeout = min(opts.setup_timeout, 20)
        opts.stall = min(opts.stall, 10)

    try:
        sizes = parse_sizes(opts.sizes, opts.mode)
        plans = [Plan(opts.mode, n, p, opts.mrt_file if opts.mode == 'mrt' else None) for n, p in sizes]
    except ValueError as e:
        ap.error(str(e))
    names = [t.strip() for t in opts.targets.split(',') if t.strip()]
    unknown = [t for t in names if t not in TARGETS]
    if unknown:
        ap.error('unknown target(s) {0}; known: {1}'.format(', '.join(unknown), ', '.join(TARGETS)))
    if opts.repeat < 1:
        ap.error('--repeat must be at least 1')
    if os.geteuid() != 0:
        ap.error('binding port 179 needs root')
    if opts.api_probe and not os.access(opts.api_bench, os.X_OK):
        ap.error('no API bench at {0}; build it: dotnet build -c Release bench/Bgp.ApiBench'.format(opts.api_bench))
    if opts.mode == 'mrt':
        if not os.path.exists(opts.mrt_file):
            ap.error('no MRT file at {0}'.format(opts.mrt_file))
        if not os.access(opts.replay_peer, os.X_OK):
            ap.error('no replay peer at {0}; build it: dotnet build -c Release bench/Bgp.ReplayPeer'.format(opts.replay_peer))

    targets = [TARGETS[n](opts) for n in names]
    missing = [t.name for t in targets if not t.available()]
    if missing:
        ap.error('not installed: {0} (see bench/e2e/README.md, "Prerequisites"; bgpactorsd: '
                 'dotnet build -c Release src/Bgp.Host, or --bgpactorsd PATH)'.format(', '.join(missing)))

    install_signal_handlers()
    started = datetime.datetime.now(datetime.timezone.utc)
    json_path = opts.json or '/tmp/bgpactors-e2e-results-{0}.json'.format(started.strftime('%Y%m%dT%H%M%SZ'))
    doc = {
        'benchmark': 'bench/e2e (bgperf2 shape)',
        'started': started.isoformat(timespec='seconds'),
        'host': {'cpus': os.cpu_count(), 'mem_gib': round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30, 1),
                 'kernel': platform.release(), 'loadavg_start': os.getloadavg()},
        'args': {k: v for k, v in vars(opts).items()},
        'versions': {t.name: t.version() for t in targets},
        'notes': {t.name: t.note for t in targets},
        'results': [],
    }
    print('targets: ' + ', '.join('{0} {1}'.format(t.name, doc['versions'][t.name]) for t in targets))

    failed = 0
    try:
        for plan in plans:
            if opts.timeout is None:
                opts_timeout = default_timeout(plan)
            else:
                opts_timeout = opts.timeout
            runs = {t.name: [] for t in targets}
            for r in range(1, opts.repeat + 1):
                for target in targets:
                    run_opts = argparse.Namespace(**vars(opts))
                    run_opts.timeout = opts_timeout
                    t_run = time.monotonic()
                    result = Run(target, plan, run_opts, r).execute()
                    result['wall_s'] = round(time.monotonic() - t_run, 1)
                    runs[target.name].append(result)
                    print('  {0:<6} {1:<10} #{2}: {3}'.format(plan.label, target.name, r, describe(result)), flush=True)
                    if not result['ok']:
                        failed += 1
            entry_list = []
            for target in targets:
                entry = {'size': plan.label, 'mode': plan.mode, 'target': target.name,
                         'median': median_summary(runs[target.name]), 'runs': runs[target.name]}
                entry_list.append(entry)
                doc['results'].append(entry)
            print_table(plan, entry_list, opts.repeat)
            write_json(json_path, doc)
    finally:
        stop_all()
        doc['finished'] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')
        write_json(json_path, doc)
        print('results: ' + json_path)
    return 1 if failed else 0


def describe(r):
    if not r['ok']:
        return 'FAILED: ' + r.get('error', '?').splitlines()[0] + ('  (kept {0})'.format(r['run_dir']) if r.get('run_dir') else '')
    if r.get('setup_only'):
        return 'setup {0:.2f} s; {1}'.format(r['setup_s'], r.get('note', ''))
    text = 'setup {0:.2f} s, convergence {1:.2f} s, total {2:.2f} s, peak RSS {3:.1f} MB, CPU {4:.2f} s'.format(
        r['setup_s'], r['convergence_s'], r['total_s'], r['peak_rss_mb'], r['cpu_s'])
    probe, listing = r.get('api_probe'), r.get('api_list')
    if probe and 'GetHealth' in probe:
        text += '; API during load: GetHealth p99 {0} ms ({1} calls), ListNeighbors p99 {2} ms ({3} calls), {4} errors'.format(
            probe['GetHealth'].get('p99_ms'), probe['GetHealth'].get('count'), probe['ListNeighbors'].get('p99_ms'),
            probe['ListNeighbors'].get('count'), probe.get('errors'))
    if isinstance(listing, list):
        text += '; ListRoutes best: ' + ', '.join('{0} routes in {1} s ({2:.0f}/s)'.format(
            int(x['routes']), x['seconds'], x['routes_per_s']) for x in listing)
    elif listing:
        text += '; ListRoutes: ' + str(listing)
    return text


def print_table(plan, entries, repeat):
    what = {'normal': 'N testers -> target -> monitor', 'fanout': 'every peer gets every route',
            'mrt': 'MRT replay of the full table'}[plan.mode]
    print()
    print('size {0} ({1} mode: {2}); median of {3} run(s)'.format(plan.label, plan.mode, what, repeat))
    header = '{0:<11} {1:>8} {2:>13} {3:>8} {4:>13} {5:>10} {6:>8} {7:>5}'.format(
        'target', 'setup s', 'convergence s', 'total s', 'peak RSS MB', 'HWM MB', 'CPU s', 'ok')
    print(header)
    print('-' * len(header))
    for e in entries:
        m = e['median']

        def f(key, fmt='{0:.2f}'):
            return fmt.format(m[key]) if key in m else '-'
        conv = 'n/a' if m.get('setup_only') else f('convergence_s')
        print('{0:<11} {1:>8} {2:>13} {3:>8} {4:>13} {5:>10} {6:>8} {7:>5}'.format(
            e['target'], f('setup_s'), conv, '-' if m.get('setup_only') else f('total_s'),
            f('peak_rss_mb', '{0:.1f}'), f('hwm_sum_mb', '{0:.1f}'), f('cpu_s'), '{0}/{1}'.format(m['ok'], m['runs'])))
    print()


def write_json(path, doc):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(doc, f, indent=2, default=str)
    os.replace(tmp, path)


if __name__ == '__main__':
    sys.exit(main())
