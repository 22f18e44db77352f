#!/bin/sh
# One-off job: print LINES numbered lines ("line 1" ... "line N"), optionally sleep SLEEP seconds
# ("forever" never ends), then exit with EXIT_CODE.
set -eu

LINES=${LINES:-5}
SLEEP=${SLEEP:-0}
EXIT_CODE=${EXIT_CODE:-0}

case $LINES in '' | *[!0-9]*) echo "job: LINES must be a whole number, got '$LINES'" >&2 && exit 2 ;; esac
case $EXIT_CODE in '' | *[!0-9]*) echo "job: EXIT_CODE must be 0-255, got '$EXIT_CODE'" >&2 && exit 2 ;; esac

# As PID 1 the shell ignores signals it does not trap: stop promptly when the task is stopped.
trap 'echo "job: stopped by signal" >&2; exit 143' TERM INT

if [ "$LINES" -gt 0 ]; then
  seq "$LINES" | while read -r i; do echo "line $i"; done
fi

case $SLEEP in
  forever)
    while :; do
      sleep 3600 &
      wait $! || true
    done
    ;;
  0 | '') ;;
  *[!0-9.]*) echo "job: SLEEP must be seconds or 'forever', got '$SLEEP'" >&2 && exit 2 ;;
  *)
    # In the background so that the trap runs as soon as a signal arrives.
    sleep "$SLEEP" &
    wait $! || true
    ;;
esac

exit "$EXIT_CODE"
