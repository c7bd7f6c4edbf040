"""Starting and stopping the processes of a run, and measuring a process tree from /proc.

Every process is started in its own session (setsid), so that it and whatever it forks can be
found by session id and stopped as a process group, by PID, never by name.
"""

import os
import signal
import subprocess
import threading
import time

CLK_TCK = os.sysconf('SC_CLK_TCK')
PAGE = os.sysconf('SC_PAGE_SIZE')

_registry = []          # every Proc still running, stopped by stop_all()
_registry_lock = threading.Lock()


class Proc:
    """One started process (and its process group)."""

    def __init__(self, name, argv, log_path, cwd=None, env=None, stdin=False, stdout_pipe=False):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self._log = open(log_path, 'ab')
        self.popen = subprocess.Popen(
            argv, cwd=cwd, env=env,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout_pipe else self._log,
            stderr=self._log,
            start_new_session=True)
        self.pid = self.popen.pid
        with _registry_lock:
            _registry.append(self)

    def alive(self):
        return self.popen.poll() is None

    def returncode(self):
        return self.popen.poll()

    def stop(self, timeout=10.0, close_stdout=True):
        """SIGTERM to the process group, SIGKILL after `timeout` seconds; always reaps.

        With close_stdout=False a thread reading the process's stdout pipe gets to read it to the
        end (and closes it).
        """
        try:
            if self.alive():
                _signal_group(self.pid, signal.SIGTERM)
                try:
                    self.popen.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(self.pid, signal.SIGKILL)
                    self.popen.wait(timeout=10)
            # children left behind in the group (the leader exited first)
            if session_pids(self.pid):
                _signal_group(self.pid, signal.SIGKILL)
        finally:
            for stream in (self.popen.stdin, self.popen.stdout if close_stdout else None):
                if stream:
                    try:
                        stream.close()
                    except OSError:
                        pass
            self._log.close()
            with _registry_lock:
                if self in _registry:
                    _registry.remove(self)

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 8192))
                text = f.read().decode('utf-8', 'replace')
            return '\n'.join(text.splitlines()[-lines:])
        except OSError:
            return ''


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def stop_all():
    with _registry_lock:
        procs = list(reversed(_registry))
    for p in procs:
        try:
            p.stop(timeout=5)
        except Exception as e:  # keep stopping the others
            print('warning: stopping {0} (pid {1}): {2}'.format(p.name, p.pid, e))


def install_signal_handlers():
    """Ctrl-C / SIGTERM stop everything this run started, then exit."""
    def handler(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print('\ninterrupted (signal {0}): stopping every process this run started'.format(signum), flush=True)
        stop_all()
        os._exit(130)
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


# --- /proc -----------------------------------------------------------------------------------

def _stat_fields(pid):
    """Fields of /proc/PID/stat after the command name (field 3 onwards), or None."""
    try:
        with open('/proc/{0}/stat'.format(pid), 'rb') as f:
            data = f.read()
    except OSError:
        return None
    close = data.rfind(b')')
    return data[close + 2:].split()


def session_pids(sid):
    """PIDs whose session id is `sid` (the leader started with setsid and everything it forked)."""
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        fields = _stat_fields(entry)
        # fields[0] is state (field 3); session is field 6 -> index 3
        if fields and len(fields) > 3 and int(fields[3]) == sid and fields[0] != b'Z':
            pids.append(int(entry))
    return pids


def cpu_seconds(pids):
    """utime+stime of each process plus cutime+cstime (its reaped children), in seconds."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if not fields or len(fields) < 15:
            continue
        # utime, stime, cutime, cstime are fields 14-17 -> indexes 11-14
        ticks += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return ticks / CLK_TCK


def rss_bytes(pid):
    try:
        with open('/proc/{0}/statm'.format(pid), 'rb') as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def hwm_bytes(pid):
    """VmHWM: the process's own peak resident set."""
    try:
        with open('/proc/{0}/status'.format(pid), 'rb') as f:
            for line in f:
                if line.startswith(b'VmHWM:'):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a session's processes every `interval` seconds.

    The process list is refreshed every `rescan` samples (scanning /proc is the expensive part);
    VmHWM is read at each refresh and kept per PID, so a process that exits keeps its last value.
    """

    def __init__(self, sid, interval=0.05, rescan=10):
        super().__init__(daemon=True)
        self.sid = sid
        self.interval = interval
        self.rescan = rescan
        self.peak_rss = 0
        self.hwm = {}
        self.max_procs = 0
        self.samples = 0
        self._halt = threading.Event()
        self._pids = []

    def run(self):
        tick = 0
        while not self._halt.is_set():
            if tick % self.rescan == 0:
                self._refresh()
            total = sum(rss_bytes(p) for p in self._pids)
            self.peak_rss = max(self.peak_rss, total)
            self.samples += 1
            tick += 1
            self._halt.wait(self.interval)

    def _refresh(self):
        self._pids = session_pids(self.sid)
        self.max_procs = max(self.max_procs, len(self._pids))
        for p in self._pids:
            h = hwm_bytes(p)
            if h:
                self.hwm[p] = max(self.hwm.get(p, 0), h)

    def pids(self):
        return session_pids(self.sid)

    def finish(self):
        """Stops sampling after one last refresh; returns (peak sampled RSS, sum of VmHWM, processes)."""
        self._halt.set()
        self.join(timeout=5)
        self._refresh()
        total = sum(rss_bytes(p) for p in self._pids)
        self.peak_rss = max(self.peak_rss, total)
        return self.peak_rss, sum(self.hwm.values()), self.max_procs


def wait_until(predicate, timeout, interval=0.1, what='condition'):
    """Calls predicate() until it returns something truthy or `timeout` seconds pass (bounded)."""
    deadline = time.monotonic() + timeout
    attempts = int(timeout / interval) + 2
    for _ in range(attempts):
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise TimeoutError('timed out after {0:.0f} s waiting for {1}'.format(timeout, what))


def listening(addr, port):
    """Whether some socket listens on addr:port (IPv4), from /proc/net/tcp; no connection is made."""
    a = [int(x) for x in addr.split('.')]
    local = '{0:02X}{1:02X}{2:02X}{3:02X}:{4:04X}'.format(a[3], a[2], a[1], a[0], port)
    try:
        with open('/proc/net/tcp') as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[1] == local and fields[3] == '0A':
                    return True
    except OSError:
        pass
    return False
