"""Who is who in a run: addresses, AS numbers, prefixes and what each peer should end up holding."""

import ipaddress

TARGET_ADDR = '127.40.0.1'
TARGET_AS = 65000
MONITOR_ADDR = '127.40.0.2'
MONITOR_AS = 64999
PORT = 179
MAX_TESTERS = 500              # AS 65001..65500, addresses 127.40.1.1 ..
PREFIX_BASE = int(ipaddress.IPv4Address('10.0.0.0'))
PREFIX_LIMIT = int(ipaddress.IPv4Address('127.0.0.0'))   # /24s from 10.0.0.0 up to, not into, 127/8

MODES = ('normal', 'fanout', 'mrt')


class Tester:
    def __init__(self, index):
        self.index = index                  # 1-based
        hi, lo = divmod(index - 1, 250)
        self.addr = '127.40.{0}.{1}'.format(1 + hi, lo + 1)
        self.asn = TARGET_AS + index
        self.next_hop = '198.18.{0}.{1}'.format(hi, lo + 1)
        self.name = 'tester{0}'.format(index)


class Plan:
    """One size in one mode: N testers with P prefixes each (P is the feed's size in mrt mode)."""

    def __init__(self, mode, n, p, mrt_file=None):
        if mode not in MODES:
            raise ValueError('unknown mode {0!r}'.format(mode))
        if not 1 <= n <= MAX_TESTERS:
            raise ValueError('testers must be 1-{0}, got {1}'.format(MAX_TESTERS, n))
        if mode == 'fanout' and n < 2:
            raise ValueError('fanout needs at least 2 testers')
        if mode != 'mrt':
            if p < 1:
                raise ValueError('prefixes per tester must be at least 1')
            if PREFIX_BASE + n * p * 256 > PREFIX_LIMIT:
                raise ValueError('{0}x{1} needs more /24s than 10.0.0.0-126.255.255.255 holds'.format(n, p))
        self.mode = mode
        self.n = n
        self.p = p
        self.mrt_file = mrt_file
        self.testers = [Tester(i) for i in range(1, n + 1)]

    @property
    def label(self):
        return '{0}x{1}'.format(self.n, 'mrt' if self.mode == 'mrt' else self.p)

    def tester_prefixes(self, tester):
        """The P unique /24s of one tester, as strings, consecutive from 10.0.0.0 upward."""
        first = PREFIX_BASE + (tester.index - 1) * self.p * 256
        for k in range(self.p):
            yield '{0}/24'.format(ipaddress.IPv4Address(first + k * 256))

    def expected_monitor(self, feed_prefixes=None):
        return feed_prefixes if self.mode == 'mrt' else self.n * self.p

    def expected_tester(self):
        """What each tester should hold at the end: (N-1)xP in fanout, nothing otherwise."""
        return (self.n - 1) * self.p if self.mode == 'fanout' else 0

    @property
    def export_to_testers(self):
        return self.mode == 'fanout'

    def drop_as_list(self):
        """AS numbers a replayed path must not hold (the receiver would drop it as a loop)."""
        # AS 0 too: RFC 7607 makes a path holding it treat-as-withdraw (FRR and OpenBGPD do; BIRD 2.0.12 does not)
        return '0,{0},{1},{2}-{3}'.format(TARGET_AS, MONITOR_AS, TARGET_AS + 1, TARGET_AS + self.n)
