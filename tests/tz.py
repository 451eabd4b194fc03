#!/usr/bin/env python3
"""tz.py — the time zones of hours of operation (vm/tz.c) against Python's zoneinfo, 1970-2100, for
a list of zones chosen for their shapes (southern daylight time, half and quarter hours, negative
and late transition times, daylight time the other way round, rules that keep changing), read from
the system's files and from "slim" files built with `zic -b slim`, which list few transitions and
leave the rest to the footer's POSIX rule. Every 13 hours is compared, and the exact second of every
change zoneinfo shows. Usage: tz.py TZCHECK; ends with "tz: N passed, N failed"."""
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import zoneinfo
import testlib

TZCHECK = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/tests/tzcheck"
SYSTEM = "/usr/share/zoneinfo"
ZONES = [
    "America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "America/Santiago", "America/St_Johns",
    "America/Havana", "America/Nuuk", "America/Scoresbysund", "America/Asuncion", "Europe/Lisbon",
    "Europe/London", "Europe/Dublin", "Europe/Berlin", "Europe/Moscow", "Africa/Casablanca", "Africa/Cairo",
    "Asia/Tehran", "Asia/Jerusalem", "Asia/Gaza", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo",
    "Australia/Sydney", "Australia/Adelaide", "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Chatham",
    "Pacific/Apia", "Pacific/Kiritimati", "Antarctica/Troll", "UTC", "Etc/GMT+5",
]
START = int(datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
END = int(datetime.datetime(2100, 12, 31, tzinfo=datetime.timezone.utc).timestamp())
STEP = 13 * 3600


T = testlib.Tally("tz")
check = T.check


def oracle(zone, tzdir):
    """zoneinfo reading the very file ccflow reads."""
    with open(os.path.join(tzdir, zone), "rb") as f:
        z = zoneinfo.ZoneInfo.from_file(f, key=zone)
    return lambda t: int(datetime.datetime.fromtimestamp(t, z).utcoffset().total_seconds())


def instants(offset_of):
    """Every STEP, and both sides of every change the oracle shows between two of them."""
    ts = list(range(START, END, STEP))
    out = list(ts)
    prev = offset_of(ts[0])
    for a, b in zip(ts, ts[1:]):
        cur = offset_of(b)
        if cur != prev:
            lo, hi = a, b  # offset_of(lo) == prev, offset_of(hi) == cur
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_of(mid) == prev:
                    lo = mid
                else:
                    hi = mid
            out += [lo, hi]
        prev = cur
    return out


def ours(zone, ts, tzdir):
    env = dict(os.environ, TZDIR=tzdir)
    p = subprocess.run([TZCHECK, zone], input="\n".join(map(str, ts)).encode(), capture_output=True, env=env)
    if p.returncode != 0:
        return None, p.stderr.decode()
    return [int(x) for x in p.stdout.split()], ""


slim = None
zic = shutil.which("zic") or ("/usr/sbin/zic" if os.path.exists("/usr/sbin/zic") else None)
source = os.path.join(SYSTEM, "tzdata.zi")
tmp = tempfile.mkdtemp()
try:
    if zic and os.path.exists(source):
        slim = os.path.join(tmp, "slim")
        p = subprocess.run([zic, "-b", "slim", "-d", slim, source], capture_output=True)
        if not check(p.returncode == 0, f"zic -b slim: {p.stderr.decode()[:200]}"):
            slim = None
    else:
        print("tz: zic or tzdata.zi is missing; slim files are not tried")

    for zone in ZONES:
        for label, tzdir in (("system", SYSTEM), ("slim", slim)):
            if not tzdir:
                continue
            if not os.path.exists(os.path.join(tzdir, zone)):
                print(f"tz: {zone} is not in the {label} database; skipped")
                continue
            offset_of = oracle(zone, tzdir)
            ts = instants(offset_of)
            want = [offset_of(t) for t in ts]
            got, err = ours(zone, ts, tzdir)
            if not check(got is not None, f"{zone} ({label}): tzcheck failed: {err}"):
                continue
            wrong = [(t, w, g) for t, w, g in zip(ts, want, got) if w != g]
            if not check(not wrong, f"{zone} ({label}): {len(wrong)} of {len(ts)} instants differ"):
                for t, w, g in wrong[:3]:
                    when = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat()
                    print(f"  {when}: zoneinfo {w}, ccflow {g}")

    # TZDIR is honoured: a directory with a zone of its own
    own = os.path.join(tmp, "own")
    os.makedirs(own)
    shutil.copy(os.path.join(SYSTEM, "Asia/Tokyo"), os.path.join(own, "Office"))
    got, err = ours("Office", [START, END - 1], own)
    check(got == [9 * 3600, 9 * 3600], f"TZDIR names the database: {got} {err}")
    got, err = ours("Europe/Lisbon", [START], own)
    check(got is None, "a zone missing from TZDIR is not found elsewhere")
finally:
    shutil.rmtree(tmp)

sys.exit(T.finish())
