#!/usr/bin/env python3
"""Pools the --api-probe results of every bgpactorsd run in an e2e results file.

    python3 bench/e2e/api_pool.py /tmp/bgpactors-e2e-results-<time>.json

Prints, per RPC, the latency percentiles over all calls made during the loads of all runs (a
single run's ~50 calls make its p99 just its slowest call), and every ListRoutes rate.
"""

import json
import math
import sys


def walk(node, found):
    if isinstance(node, dict):
        if node.get('target') == 'bgpactorsd' and 'api_probe' in node:
            found.append(node)
        for value in node.values():
            walk(value, found)
    elif isinstance(node, list):
        for value in node:
            walk(value, found)


def percentile(sorted_ms, q):
    return sorted_ms[min(len(sorted_ms) - 1, math.ceil(q * len(sorted_ms)) - 1)]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    runs = []
    walk(json.load(open(sys.argv[1])), runs)
    if not runs:
        sys.exit('no bgpactorsd run with api_probe results in ' + sys.argv[1])
    print('{0} run(s) of {1}'.format(len(runs), ', '.join(sorted({r['size'] for r in runs}))))
    for rpc in ('GetHealth', 'ListNeighbors'):
        samples = sorted(s for r in runs for s in (r['api_probe'] or {}).get(rpc, {}).get('samples_ms', []))
        if not samples:
            print('{0}: no samples'.format(rpc))
            continue
        print('{0}: {1} calls during the loads; p50 {2} ms, p90 {3} ms, p99 {4} ms, max {5} ms'.format(
            rpc, len(samples), percentile(samples, .5), percentile(samples, .9), percentile(samples, .99), samples[-1]))
    errors = sum((r['api_probe'] or {}).get('errors', 0) for r in runs)
    print('errors: {0}'.format(errors))
    rates = [x for r in runs if isinstance(r.get('api_list'), list) for x in r['api_list']]
    if rates:
        print('ListRoutes (best): ' + ', '.join('{0:.0f}/s'.format(x['routes_per_s']) for x in rates) +
              '; slowest {0:.0f} routes/s, {1} routes each'.format(min(x['routes_per_s'] for x in rates), int(rates[0]['routes'])))


if __name__ == '__main__':
    main()
