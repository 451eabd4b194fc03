#!/usr/bin/env bash
# The embedding example as a user builds it: `make install` into a scratch prefix, compile
# docs/examples/embed.c with pkg-config against the installed library, run it, compare its output,
# and run it again under valgrind, which must find no leak and no error.
set -u
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad() { fail=$((fail + 1)); echo "FAIL embed: $*"; }

if make --no-print-directory install PREFIX="$tmp/prefix" B="${B:-build}" >"$tmp/install.log" 2>&1; then
  pass=$((pass + 1))
else
  bad "make install failed"; tail -5 "$tmp/install.log"
fi
for f in bin/ccflow lib/libccflow.a lib/libccflow.so include/ccflow.h lib/pkgconfig/ccflow.pc share/man/man1/ccflow.1; do
  [ -f "$tmp/prefix/$f" ] && pass=$((pass + 1)) || bad "make install did not install $f"
done
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
if cc -std=c11 -Wall -Wextra -Werror docs/examples/embed.c $(pkg-config --cflags --libs ccflow) \
     -Wl,-rpath,"$tmp/prefix/lib" -o "$tmp/embed" 2>"$tmp/cc.log"; then
  pass=$((pass + 1))
else
  bad "the example does not build against the installed library"; cat "$tmp/cc.log"
fi
if [ -x "$tmp/embed" ]; then
  "$tmp/embed" flows >"$tmp/out" 2>&1 && cmp -s "$tmp/out" docs/examples/embed.expected && pass=$((pass + 1)) \
    || { bad "the example's output differs from docs/examples/embed.expected"; diff docs/examples/embed.expected "$tmp/out" | head; }
  if command -v valgrind >/dev/null 2>&1; then
    valgrind --leak-check=full --errors-for-leak-kinds=all --error-exitcode=3 -q "$tmp/embed" flows >/dev/null 2>"$tmp/vg"
    [ $? -eq 0 ] && pass=$((pass + 1)) || { bad "valgrind finds errors or leaks in the example"; head -20 "$tmp/vg"; }
  fi
fi
echo "embed: $pass passed, $fail failed"
