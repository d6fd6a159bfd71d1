# SPDX-License-Identifier: BSD-3-Clause
"""What the benchmarks (scripts/bench-vfw, bench-vsnk, bench-vpkg) measure
the same way: a DPDK process's forwarding thread's time on CPU
(/proc/PID/task/TID/schedstat), runs sampled on their stats lines, rates
over a run's steady window, the TSC rate that turns CPU-seconds into cycles,
and the median of the ratios of alternating runs.

The machine may be shared: a rate per CPU-second of the worker thread (its
packets divided by the time the kernel ran that thread) discounts the time
the host gave to other processes, a rate per wall second does not.
"""
import json
import os
import signal
import statistics
import subprocess
import threading
import time


def cpuinfo_hz():
    """The kernel's "cpu MHz" (a fallback: it is the core's clock as the
    kernel last saw it, not necessarily the TSC rate)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    return float(line.split(":")[1]) * 1e6
    except OSError:
        pass
    return 0.0


def stats_file_tsc_hz(stats_file):
    """The TSC rate one of our binaries measured (its --stats-file JSON
    "clock": {"tsc_hz"}), 0 if absent."""
    try:
        with open(stats_file) as f:
            return float(json.load(f)["clock"]["tsc_hz"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0


def load_average():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def is_dpdk_worker(comm):
    """The EAL thread of lcore 1 (DPDK 22.11 names it lcore-worker-1)."""
    return comm in ("rte-worker-1", "lcore-worker-1")


def worker_tid(pid, is_worker=is_dpdk_worker, timeout=20):
    """The id of pid's first thread whose name is_worker, None after timeout s."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            for tid in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                    if is_worker(f.read().strip()):
                        return int(tid)
        except OSError:
            pass
        time.sleep(0.05)
    return None


def runtime_ns(pid, tid):
    """Nanoseconds thread tid of pid has run on a CPU, None if it is gone."""
    try:
        with open("/proc/%d/task/%d/schedstat" % (pid, tid)) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError):
        return None


def workers_cpu_ns(pid):
    """Nanoseconds on CPU of all of pid's EAL worker threads together (0 if none)."""
    total = 0
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return 0
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if not f.read().startswith(("rte-worker", "lcore-worker")):
                    continue
        except OSError:
            continue
        total += runtime_ns(pid, int(tid)) or 0
    return total


class Run:
    """Start cmd, sample (wall time, counter, worker CPU ns) on each stats
    line: parse(line, state) returns ("pkts", cumulative count) for the
    counter the rate is about, (other kind, value) for an extra counter
    (kept in extra), or None. stdin stays open: testpmd quits at the end of
    its input."""

    def __init__(self, cmd, parse):
        self.samples = []
        self.extra = []
        self.out = []
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.tid = None
        self.parse = parse
        self.state = {}
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()

    def _reader(self):
        for line in self.p.stdout:
            self.out.append(line)
            r = self.parse(line, self.state)
            if r is None:
                continue
            kind, value = r
            if self.tid is None:
                self.tid = worker_tid(self.p.pid, timeout=1)
            ns = runtime_ns(self.p.pid, self.tid) if self.tid else None
            if kind == "pkts":
                self.samples.append((time.time(), value, ns))
            else:
                self.extra.append((time.time(), value, ns))

    def stop(self, seconds):
        """SIGINT seconds after the first sample; returns self once it exited."""
        # the clock starts at the first stats line: loading a large pcap takes a while
        end = time.time() + 120
        while not self.samples and self.p.poll() is None and time.time() < end:
            time.sleep(0.1)
        time.sleep(seconds)
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
        try:
            self.p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.t.join(timeout=10)
        return self


def steady(samples, skip=2):
    """(packets per CPU-second, packets per wall second) over the steady
    window: the samples after the first skip (the warm-up)."""
    s = [x for x in samples[skip:] if x[2] is not None]
    if len(s) < 2:
        raise RuntimeError("not enough samples (%d)" % len(samples))
    (t0, c0, n0), (t1, c1, n1) = s[0], s[-1]
    if n1 <= n0 or t1 <= t0 or c1 <= c0:
        raise RuntimeError("no progress in the steady window")
    return (c1 - c0) / ((n1 - n0) / 1e9), (c1 - c0) / (t1 - t0)


def measure(cmd, parse, seconds, tries=3, start=None):
    """One run's steady rates and the Run; a run that could not start (memory
    taken by someone else for a moment...) is tried again. start: a function
    that starts a run of a peer that is not a command printing its stats."""
    for _ in range(tries):
        r = (start() if start else Run(cmd, parse)).stop(seconds)
        try:
            return steady(r.samples), r
        except RuntimeError as e:
            print("  run failed (%s), output tail:\n    %s" %
                  (e, "    ".join(r.out[-8:])), flush=True)
            time.sleep(2)
    raise RuntimeError("%s: no measurement after %d tries" % (cmd[0] if cmd else "peer", tries))


class Clock:
    """The TSC rate that turns CPU-seconds into cycles, and where it came from."""

    def __init__(self):
        self.hz = cpuinfo_hz()
        self.how = "/proc/cpuinfo cpu MHz"

    def measured_by(self, name, stats_file):
        """Take the rate binary name measured, if its stats file has one."""
        hz = stats_file_tsc_hz(stats_file)
        if hz > 0:
            self.hz = hz
            self.how = "%s's measured TSC rate (--stats-file clock.tsc_hz)" % name

    def cycles(self, per_cpu_second):
        return self.hz / per_cpu_second


def median_ratio(a, b):
    """The median of a[i] / b[i]: runs of the same pair, back to back, are
    less exposed to the machine's drift than a ratio of medians."""
    return statistics.median(x / y for x, y in zip(a, b))
