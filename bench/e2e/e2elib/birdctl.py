"""A persistent client for BIRD's control socket (what birdc speaks), without a process per query.

BIRD answers each command with lines of the form `DDDD-text` (more follows), ` text`
(continuation) and ends with `DDDD text` (a code and a space). Codes 8xxx/9xxx are errors.
"""

import re
import socket
import time


class BirdError(Exception):
    pass


class BirdCtl:
    def __init__(self, path, timeout=30.0):
        self.path = path
        self.timeout = timeout
        self._sock = None
        self._file = None

    def connect(self):
        self.close()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self._sock = s
        self._file = s.makefile('rb')
        hello = self._file.readline()
        if not hello.startswith(b'0001'):
            raise BirdError('unexpected greeting from {0}: {1!r}'.format(self.path, hello))

    def close(self):
        for x in (self._file, self._sock):
            if x:
                try:
                    x.close()
                except OSError:
                    pass
        self._sock = self._file = None

    def poke(self):
        """Any request wakes BIRD 2 from the idle wait in which it may sit on a last UPDATE."""
        try:
            self.cmd('show status')
        except BirdError:
            pass

    def cmd(self, command):
        """Runs one command; returns the reply's text lines. Reconnects once on a broken socket."""
        for attempt in (1, 2):
            try:
                if self._sock is None:
                    self.connect()
                return self._cmd(command)
            except (OSError, BirdError) as e:
                self.close()
                if attempt == 2:
                    raise BirdError('{0}: {1}: {2}'.format(self.path, command, e))
        return []

    def _cmd(self, command):
        self._sock.sendall(command.encode() + b'\n')
        lines = []
        for _ in range(10_000_000):
            raw = self._file.readline()
            if not raw:
                raise BirdError('connection closed')
            line = raw.decode('utf-8', 'replace').rstrip('\n')
            code = line[:4]
            if code.isdigit() and len(line) >= 5 and line[4] in '- ':
                if code[0] in '89':
                    raise BirdError('error {0}: {1}'.format(code, line[5:]))
                lines.append(line[5:])
                if line[4] == ' ':
                    return lines
            else:
                lines.append(line[1:] if line.startswith(' ') else line)
        raise BirdError('reply too long')

    def ready(self):
        try:
            self.cmd('show status')
            return True
        except (BirdError, OSError):
            return False


_ROUTES = re.compile(r'(\d+) (imported|filtered|exported|preferred)')


def protocol_facts(lines):
    """From `show protocols all NAME`: BGP state, last error, and the ipv4 channel's counters."""
    facts = {'bgp_state': None, 'last_error': None, 'imported': 0, 'exported': 0,
             'import_received': 0, 'import_withdraws_received': 0, 'export_accepted': 0}
    for line in lines:
        s = line.strip()
        if s.startswith('BGP state:'):
            facts['bgp_state'] = s.split(':', 1)[1].strip()
        elif s.startswith('Last error:'):
            facts['last_error'] = s.split(':', 1)[1].strip()
        elif s.startswith('Routes:'):
            for count, kind in _ROUTES.findall(s):
                facts[kind] = int(count)
        elif s.startswith('Import updates:'):
            facts['import_received'] = _first_int(s)
        elif s.startswith('Import withdraws:'):
            facts['import_withdraws_received'] = _first_int(s)
        elif s.startswith('Export updates:'):
            values = s.split(':', 1)[1].split()
            # columns: received rejected filtered ignored accepted (BIRD 2)
            if len(values) == 5 and values[4].isdigit():
                facts['export_accepted'] = int(values[4])
    return facts


def _first_int(s):
    for token in s.split(':', 1)[1].split():
        if token.isdigit():
            return int(token)
    return 0


def wait_ready(ctl, timeout, proc=None):
    """Waits for BIRD to answer on its socket (it has parsed its config); bounded."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / 0.1) + 2):
        if proc is not None and not proc.alive():
            raise BirdError('{0} exited (code {1}):\n{2}'.format(proc.name, proc.returncode(), proc.log_tail()))
        try:
            ctl.connect()
            return
        except (OSError, BirdError):
            pass
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    raise BirdError('{0} did not answer on {1} within {2:.0f} s'.format(
        proc.name if proc else 'bird', ctl.path, timeout))
