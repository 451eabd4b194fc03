#!/usr/bin/env python3
"""fmt_comments.py — checks that `ccflow fmt` kept every comment of a YAML flow with the key it was
written beside. Usage: fmt_comments.py SOURCE.yaml RESULT.yaml [SOURCE.yaml RESULT.yaml ...];
prints one line per comment out of place and exits 1 if there is any.

Each line of a YAML text is given the key path of the first mapping key or sequence item that starts
on it (`blocks.check.on.true`, `blocks.r.check_contact_attributes.cases.0`), read with PyYAML's
composer. A comment at the end of a line must come back at the end of the line where the same key
path starts in the result (a key written in flow style starts on its mapping's line); a comment on
a line of its own must come back among the comment lines right before the line where the key path
of the next line with text starts (or before everything, or after everything, when no text is
before or after it). The texts are compared too, so a comment that moved is also one that is
missing."""
import collections
import sys

import yaml


def token_spans(text):
    """Per line, the column ranges [a, b) that tokens cover (so a '#' there is no comment)."""
    spans = collections.defaultdict(list)
    lines = text.split("\n")
    for tok in yaml.scan(text, Loader=yaml.CSafeLoader):
        s, e = tok.start_mark, tok.end_mark
        if (s.line, s.column) == (e.line, e.column):
            continue
        if isinstance(tok, yaml.ScalarToken) and tok.style in ("|", ">"):
            # the header `|-2` only: what follows it on its line may be a comment
            line = lines[s.line]
            end = s.column
            while end < len(line) and line[end] not in " \t":
                end += 1
            spans[s.line].append((s.column, end))
            for ln in range(s.line + 1, e.line):
                spans[ln].append((0, len(lines[ln]) + 1))
            if e.line > s.line:
                spans[e.line].append((0, e.column))
            continue
        if s.line == e.line:
            spans[s.line].append((s.column, e.column))
        else:
            spans[s.line].append((s.column, len(lines[s.line]) + 1))
            for ln in range(s.line + 1, e.line):
                spans[ln].append((0, len(lines[ln]) + 1))
            spans[e.line].append((0, e.column))
    return spans


def comments(text):
    """[(line, trailing, text)] of the comments of a YAML text, lines from 0."""
    spans = token_spans(text)
    out = []
    for ln, line in enumerate(text.split("\n")):
        covered = spans.get(ln, [])
        for col, ch in enumerate(line):
            if ch != "#" or (col and line[col - 1] not in " \t"):
                continue
            if any(a <= col < b for a, b in covered):
                continue
            trailing = bool(line[:col].strip())
            out.append((ln, trailing, line[col + 1:].rstrip()))
            break
    return out


def key_lines(text):
    """(line -> key path of the first key or item starting on it, key path -> its line)."""
    by_line, by_path = {}, {}

    def note(node, path):
        ln = node.start_mark.line
        by_line.setdefault(ln, path)
        by_path.setdefault(path, ln)

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else "?"
                p = path + (name,)
                note(k, p)
                walk(v, p)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                p = path + (str(i),)
                note(item, p)
                walk(item, p)

    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    if root is not None:
        walk(root, ())
    return by_line, by_path


def text_lines(text):
    """Lines that hold something other than blanks and a comment."""
    held = set()
    for ln, spans in token_spans(text).items():
        if spans:
            held.add(ln)
    return sorted(held)


def anchors(text):
    """[(kind, line, comment text, source line)]: 'beside' the line it ends, or 'before' the next line
    with text ('top' and 'end' when there is none before or after it)."""
    held = text_lines(text)
    out = []
    for ln, trailing, body in comments(text):
        if trailing:
            out.append(("beside", ln, body, ln))
            continue
        after = [h for h in held if h > ln]
        before = [h for h in held if h < ln]
        if not before:
            out.append(("top", None, body, ln))
        elif not after:
            out.append(("end", None, body, ln))
        else:
            out.append(("before", after[0], body, ln))
    return out


def path_of(by_line, ln):
    """The key path of a line; for a line where no key starts, that of the last one before it."""
    while ln >= 0:
        if ln in by_line:
            return by_line[ln]
        ln -= 1
    return ()


def check(src, res):
    with open(src, encoding="utf-8") as f:
        a = f.read()
    with open(res, encoding="utf-8") as f:
        b = f.read()
    a_line, _ = key_lines(a)
    b_line, b_path = key_lines(b)
    want = collections.Counter()
    where = {}
    for kind, ln, body, at in anchors(a):
        path = path_of(a_line, ln) if ln is not None else None
        target = b_path.get(path, "missing") if path is not None else None
        want[(kind, target, body)] += 1
        where[(kind, target, body)] = (at, path)
    got = collections.Counter((kind, ln, body) for kind, ln, body, _ in anchors(b))
    problems = []
    for key, n in (want - got).items():
        kind, target, body = key
        at, path = where[key]
        path = ".".join(path) if path else ""
        found = [f"{k} {(path_of(b_line, ln) and '.'.join(path_of(b_line, ln))) if ln is not None else ''} (line {at2 + 1})"
                 for k, ln, t, at2 in anchors(b) if t == body]
        problems.append(f"{src}:{at + 1}: #{body} was {kind} {path or kind}; in {res}: "
                        + (", ".join(found) if found else "missing"))
    return problems


def main(args):
    if len(args) % 2 or not args:
        print(__doc__.split("\n")[1], file=sys.stderr)
        return 2
    problems = []
    for i in range(0, len(args), 2):
        problems += check(args[i], args[i + 1])
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
