#!/usr/bin/env bash
# Runs a test command with its whole output shown and kept in target/logs/NAME.log; when it
# fails, ends with a short digest of what failed (test names and the first lines of their
# panics, UI test failures), because CI reports keep only the last lines of the output.
# Usage: scripts/logged.sh NAME COMMAND [ARG...]
set -uo pipefail
name=$1
shift
mkdir -p target/logs
log="target/logs/$name.log"
start=$SECONDS
"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "==== $name took $((SECONDS - start)) s (exit $rc)"
if [ "$rc" != 0 ]; then
  echo
  echo "==== $name failed (exit $rc); full output in $log; what failed:"
  # Rust: each panic's test, place and message; vitest/node: the failing test lines.
  awk '
    /^thread .* panicked at / {
      t = $0; sub(/^thread \x27/, "", t); sub(/\x27.*$/, "", t)
      p = $0; sub(/^.* panicked at /, "", p); sub(/:$/, "", p)
      getline m; printf "  %s (%s): %s\n", t, p, substr(m, 1, 220); n++; next
    }
    /^test .* \.\.\. FAILED$/ { f[$2] = 1 }
    /^error: test failed, to rerun pass/ { print "  " $0; next }
    # rustc and clippy: the error, where, and a proc macro panic message.
    /^error(\[[A-Za-z0-9_:]+\])?: / && !/could not compile|build failed|aborting due/ && n < 40 {
      e = substr($0, 1, 200); if (e != last) { print "  " e; n++ }; last = e; next
    }
    /^ +--> / && e != "" { print "    at " $2; e = ""; next }
    /^ += help: message: / && n < 40 { sub(/^ += /, ""); print "    " substr($0, 1, 200); next }
    /^ *(×|✗|FAIL) / && n < 40 { print "  " substr($0, 1, 220); n++ }
    /^not ok / && n < 40 { print "  " substr($0, 1, 220); n++ }
    /^(Error|AssertionError|TypeError): / && n < 40 { print "  " substr($0, 1, 220); n++ }
  ' "$log" | tail -n 40
  echo "==== end of $name digest"
fi
exit "$rc"
