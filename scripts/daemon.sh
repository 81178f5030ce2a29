#!/bin/sh
# Starts or stops `mydocker daemon` in the background (there is no systemd here), as root.
#   sh scripts/daemon.sh start   log in /var/log/mydocker.log, pid in /run/mydocker/daemon.pid;
#                                then imports bundles/example/rootfs as image busybox:latest if missing
#   sh scripts/daemon.sh stop    SIGTERM by pid; containers keep running under their monitors
set -eu
cd "$(dirname "$0")/.."
PIDFILE=/run/mydocker/daemon.pid
SOCK=/run/mydocker/mydocker.sock
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case "${1:-}" in
  start)
    if running; then echo "daemon: already running (pid $(cat $PIDFILE))"; else
      mkdir -p /run/mydocker
      nohup mydocker daemon --log /var/log/mydocker.log </dev/null >/dev/null 2>>/var/log/mydocker.log &
      echo $! > "$PIDFILE"
      i=0; while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
      [ -S "$SOCK" ] || { echo "daemon: did not start; see /var/log/mydocker.log" >&2; tail -3 /var/log/mydocker.log >&2; exit 1; }
      echo "daemon: started (pid $(cat $PIDFILE)), socket $SOCK, log /var/log/mydocker.log"
    fi
    if ! mydocker image inspect busybox:latest >/dev/null 2>&1; then
      tar -C bundles/example/rootfs -c . | mydocker image import --change 'CMD ["sh"]' - busybox:latest >/dev/null
      echo "daemon: imported bundles/example/rootfs as busybox:latest"
    fi ;;
  stop)
    if running; then kill "$(cat $PIDFILE)"; i=0; while running && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; rm -f "$PIDFILE"; echo "daemon: stopped"; else echo "daemon: not running"; fi ;;
  *) echo "usage: sh scripts/daemon.sh start|stop" >&2; exit 2 ;;
esac
