#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The VES agent (tests/ves/ves-fake) against a collector that fails: down
for several intervals, answering 500, 429, slowly, garbage, or closing the
connection, then back: every interval arrives, in order, the deltas chain up
to the totals, retries counted, nothing dropped, the measurement thread never
held up. A collector that rejects (4xx): events dropped once, counted, no
retries; in a batch, only the bad event. A small queue: the oldest dropped and
counted. Stop while the collector is down: on time, the rest counted."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vescollector as vc  # noqa: E402

chk = vc.Checker()
BASE = ["--ves-interval", "1", "--ves-heartbeat", "2", "--ves-timeout", "2",
        "--ves-connect-timeout", "1", "--ves-backoff-max", "0.5"]


def down(c):
    c.stop()


def up(c):
    c.start()


def mode(m):
    def f(c):
        c.mode = m
    return f


def scenario(timeline, duration, extra=(), start_mode="ok"):
    """Run ves-fake while timeline [(seconds, action(collector))] plays."""
    c = vc.Collector(mode=start_mode).start()
    f = vc.FakeRun(["--ves-url", c.url] + BASE + list(extra), duration)
    for at, action in timeline:
        time.sleep(max(0.0, f.t0 + at - time.time()))
        action(c)
    rc, out, err, stats = f.wait(timeout=duration + 60)
    c.stop()
    return c, rc, err, stats, f.elapsed


def check_recovered(what, c, rc, err, stats):
    chk(rc == 0 and stats is not None, "%s: ves-fake exits 0 (no crash)" % what, err[-1500:])
    if stats is None:
        return
    ves = stats["ves"]
    evs = vc.dedup(c.snapshot())
    bad = [vc.check_event(e, 5) for e in evs if vc.check_event(e, 5)]
    chk(not bad, "%s: every event well-formed" % what, bad[:2])
    chk(ves["failed"] > 0 and ves["retried"] > 0,
        "%s: failures seen and retried (failed %d, retried %d)"
        % (what, ves["failed"], ves["retried"]))
    chk(ves["dropped"] == 0 and ves["rejected"] == 0 and ves["queued"] == 0 and
        ves["sent"] == ves["events"] == len(evs),
        "%s: nothing lost: %d events built, sent and received" % (what, len(evs)), ves)
    chk(ves["sample_lag_max_us"] < 500000,
        "%s: the measurement thread was never held up (max lag %d us)"
        % (what, ves["sample_lag_max_us"]))
    vc.check_series(chk, c.snapshot(), 1, vc.fake_totals(stats), vc.fake_pattern, what + ": ")


def test_recovery():
    plans = [
        ("collector down 3 s", [(1.2, down), (4.5, up)], ()),
        ("collector answers 500", [(1.2, mode("500")), (4.5, mode("ok"))], ()),
        ("collector answers 429", [(1.2, mode("429")), (4.5, mode("ok"))], ()),
        ("collector answers slowly", [(1.2, mode("slow")), (4.5, mode("ok"))],
         ("--ves-timeout", "1")),
        ("collector answers garbage", [(1.2, mode("garbage")), (4.5, mode("ok"))], ()),
        ("collector closes the connection", [(1.2, mode("close")), (4.5, mode("ok"))], ()),
    ]
    for what, timeline, extra in plans:
        c, rc, err, stats, _ = scenario(timeline, 7, extra)
        check_recovered(what, c, rc, err, stats)


def test_batch():
    c, rc, err, stats, _ = scenario([(1.2, down), (4.5, up)], 7, ("--ves-batch", "5"))
    check_recovered("batch of 5", c, rc, err, stats)
    sizes = [len(d["eventList"]) for p, _, d in c.bodies if "eventList" in d]
    paths = {p for p, _, d in c.bodies if "eventList" in d}
    chk(sizes and max(sizes) > 1 and paths == {"/eventListener/v5/eventBatch"},
        "batch of 5: the backlog goes out as eventList to .../eventBatch", (sizes, paths))


def test_rejected():
    c, rc, err, stats, elapsed = scenario([], 3, ("--ves-heartbeat", "0"), start_mode="400")
    ves = stats["ves"] if stats else {}
    chk(rc == 0 and ves.get("rejected") == ves.get("events") and ves.get("sent") == 0 and
        ves.get("retried") == 0 and ves.get("posts") == ves.get("events") and
        ves.get("last_status") == 400,
        "collector answers 400: each event dropped once, counted as rejected, no retries", ves)
    chk("rejected" in err, "collector answers 400: logged with the reason", err[-500:])
    chk(elapsed < 3 + 5, "collector answers 400: stops on time (%.1f s)" % elapsed)

    # a batch with one bad event: only that one is dropped
    c = vc.Collector().start()
    c.poison = {4}
    c.stop()
    f = vc.FakeRun(["--ves-url", c.url] + BASE + ["--ves-batch", "5"], 7)
    time.sleep(max(0.0, f.t0 + 3.5 - time.time()))
    c.start()
    rc, out, err, stats = f.wait()
    c.stop()
    ves = stats["ves"] if stats else {}
    got = [vc.header(e)["sequence"] for e in c.snapshot()]
    chk(rc == 0 and ves.get("rejected") == 1 and 4 not in got and
        got == [s for s in range(ves.get("events", 0)) if s != 4] and
        any(len(p) > 1 for p in c.poisoned) and [4] in c.poisoned,
        "rejected batch: split into single events, only the bad one dropped, order kept",
        (got, c.poisoned, ves))


def test_queue_bound():
    c, rc, err, stats, _ = scenario([(0.5, down), (7.5, up)], 9.5,
                                    ("--ves-queue", "3", "--ves-heartbeat", "0"))
    ves = stats["ves"] if stats else {}
    got = [vc.header(e)["sequence"] for e in vc.dedup(c.snapshot())]
    n = ves.get("events", 0)
    missing = sorted(set(range(n)) - set(got))
    chk(rc == 0 and ves.get("dropped", 0) >= 3 and len(missing) == ves.get("dropped") and
        ves.get("sent") + ves.get("dropped") == n and ves.get("queued") == 0,
        "queue of 3, collector down 7 s: the excess dropped and counted "
        "(events %d = sent %s + dropped %s)" % (n, ves.get("sent"), ves.get("dropped")), ves)
    chk(got == sorted(got) and got and got[-1] == n - 1 and
        missing == list(range(missing[0], missing[-1] + 1)) if missing else False,
        "queue of 3: the oldest waiting events are the ones dropped; the rest in order",
        (got, missing))


def test_stop_while_down():
    c, rc, err, stats, elapsed = scenario([(1.2, down)], 3, ("--ves-heartbeat", "0"))
    ves = stats["ves"] if stats else {}
    chk(rc == 0 and elapsed < 3 + 2 + 4,
        "stop while the collector is down: exits on time (%.1f s)" % elapsed, err[-800:])
    chk(ves.get("queued", 0) > 0 and
        ves.get("sent", 0) + ves.get("queued", 0) + ves.get("dropped", 0) == ves.get("events"),
        "stop while down: what was not delivered is counted as queued", ves)


def main():
    test_recovery()
    test_batch()
    test_rejected()
    test_queue_bound()
    test_stop_while_down()
    chk.exit()


if __name__ == "__main__":
    main()
