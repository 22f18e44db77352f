#!/bin/sh
# busybox httpd on $PORT (default 5000). PID 1 ignores signals it does not handle, so httpd runs as a child
# and a trap ends both at once on SIGTERM (docker stop / ECS StopTask) instead of after the kill timeout.
httpd -f -v -p "${PORT:-5000}" -h /www &
pid=$!
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
wait "$pid"
