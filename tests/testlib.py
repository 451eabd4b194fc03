"""testlib.py — what the Python tests share: where the tree is, the ccflow a test runs, running
it, reading its JSON, and the tally of checks that ends each test with "NAME: N passed, N failed"."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ccflow(argv=None):
    """The ccflow to test: the first argument that is not an --option, else build/ccflow."""
    args = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("--")]
    return os.path.abspath(args[0] if args else os.path.join(ROOT, "build/ccflow"))


class Tally:
    """Counts checks; a failed one is printed as prefix + what."""

    def __init__(self, name, prefix=None):
        self.name = name
        self.prefix = "FAIL %s: " % name if prefix is None else prefix
        self.passed = self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(self.prefix + what)
        return cond

    def summary(self):
        return "%s: %d passed, %d failed" % (self.name, self.passed, self.failed)

    def finish(self):
        """Prints the summary; the exit status the test ends with (1 when a check failed)."""
        print(self.summary())
        return 1 if self.failed else 0


def run(program, *args, stdin=None, cwd=ROOT, timeout=None, errors="replace"):
    """Runs program with args: (exit status, standard output, standard error) as text."""
    p = subprocess.run([program, *args], input=stdin, capture_output=True, cwd=cwd, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", errors), p.stderr.decode("utf-8", errors)


def parse_json(text, what, check):
    """text as JSON, or None after a failed check that says why."""
    try:
        return json.loads(text)
    except ValueError as e:
        check(False, f"{what}: not JSON ({e}): {text[:200]!r}")
        return None
