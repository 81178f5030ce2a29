# tests/engines/lib.sh: what the engine tests share. Sourced by tests/engines/run.sh; the caller
# sets REPO and RUNTIME (the mydocker binary under test).
#
# Each engine runs with `mydocker` as its OCI runtime, through a wrapper that appends one line per
# runtime invocation to $W/calls.log: "HH:MM:SS.mmm rc=N mydocker ARGS...". A failed step prints the
# engine, the step, what it saw, and the runtime calls made during the step (those with rc != 0 first).

PASS=0; FAIL=0
W=                 # this run's scratch directory
ENGINE=            # the engine being tested (docker, podman, containerd)

say() { echo "test-engines: $*" >&2; }

# make_wrapper PATH: the logging wrapper around $RUNTIME. It runs the runtime as a child (not exec)
# so that it can log the exit code; stdio and every other descriptor pass through unchanged.
make_wrapper() {
  cat > "$1" <<EOW
#!/bin/sh
"$RUNTIME" "\$@"
rc=\$?
if [ \$rc -ne 0 ]; then   # keep the config.json of a failed create: the engine removes its bundle
  prev=; for a in "\$@"; do [ "\$prev" = --bundle ] && cp "\$a/config.json" "$W/failed-config.json" 2>/dev/null; prev=\$a; done
fi
{ printf '%s rc=%s mydocker' "\$(date +%T.%3N)" "\$rc"; for a in "\$@"; do printf ' %s' "\$a"; done; printf '\n'; } >> "$W/calls.log"
exit \$rc
EOW
  chmod 755 "$1"
}

# step NAME COMMAND...: runs COMMAND (a shell function of the test) and counts the result. COMMAND
# prints what went wrong on failure; the runtime calls of the step are shown with it.
step() {
  local name=$1 from out rc; shift
  from=$(wc -l < "$W/calls.log")
  out=$("$@" 2>&1); rc=$?
  if ((rc == 0)); then
    PASS=$((PASS + 1)); echo "  ok    $ENGINE: $name"
    grep '^note:' <<<"$out" | sed 's/^/        /'   # what a passing step wants said
  else
    FAIL=$((FAIL + 1))
    echo "  FAIL  $ENGINE: $name"
    echo "$out" | sed 's/^/        /' | head -n 20
    echo "        runtime calls in this step (failed ones first):"
    tail -n "+$((from + 1))" "$W/calls.log" | awk '!/ rc=0 /' | sed 's/^/          /' | head -n 10
    tail -n "+$((from + 1))" "$W/calls.log" | awk '/ rc=0 /' | sed 's/^/          /' | tail -n 10
  fi
  return 0
}

# skip NAME REASON: a step that cannot run with this engine, and why (counted as neither).
skip() { echo "  skip  $ENGINE: $1: $2"; }

# expect WHAT GOT WANT: fails (prints both) unless GOT equals WANT.
expect() {
  [[ $2 == "$3" ]] && return 0
  echo "$1: got \"$2\", expected \"$3\""
  return 1
}

# cgroup_file PID CONTROLLER FILE: the value of FILE in PID's cgroup of a v1 controller (hybrid and
# v1 hosts), or of the unified hierarchy on a v2 host.
cgroup_file() {
  local pid=$1 ctl=$2 file=$3 path line
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    cat "/sys/fs/cgroup$path/$file"
    return
  fi
  while IFS= read -r line; do
    local ctls=${line#*:}; ctls=${ctls%%:*}
    if [[ ,$ctls, == *",$ctl,"* ]]; then
      path=${line#*:*:}
      cat "/sys/fs/cgroup/$ctls$path/$file" 2>/dev/null || cat "/sys/fs/cgroup/$ctl$path/$file"
      return
    fi
  done < "/proc/$pid/cgroup"
  echo "no $ctl cgroup for pid $pid" >&2
  return 1
}

# --- a terminal the test reads: tmux ------------------------------------------------------------

TMUX_SOCK=
# tty_start COMMAND...: COMMAND in a detached 80x24 tmux window.
tty_start() {
  tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
  tmux -S "$TMUX_SOCK" new-session -d -s t -x 80 -y 24 "$*; echo __ended__; sleep 30"
}
# tty_screen: what the window shows.
tty_screen() { tmux -S "$TMUX_SOCK" capture-pane -t t -p -J; }
# tty_type TEXT: types TEXT and Enter.
tty_type() { tmux -S "$TMUX_SOCK" send-keys -t t -l "$1"; tmux -S "$TMUX_SOCK" send-keys -t t Enter; }
# tty_wait TEXT [SECONDS]: until the screen shows TEXT (a grep -E pattern).
tty_wait() {
  local n=$((${2:-10} * 10))
  while ((n-- > 0)); do tty_screen | grep -Eq -- "$1" && return 0; sleep 0.1; done
  echo "the terminal never showed /$1/; it shows:"; tty_screen | grep -v '^$' | tail -n 8
  return 1
}
# tty_shell_resized: the shell in the window sees 80x24, then, after the window is resized, 100x30;
# it then exits and the window goes.
tty_shell_resized() {
  tty_wait '# $' 20 || return 1
  tty_sized '^24 80' || return 1
  tmux -S "$TMUX_SOCK" resize-window -t t -x 100 -y 30 || return 1
  tty_resized || return 1
  tty_type 'exit'
  tty_stop
}

# tty_sized PATTERN: `stty size` until it shows PATTERN, at most 10 tries. A size travels client →
# engine → whoever holds the pty master (docker's takes four hops), and the first one may come
# after the shell's prompt: until then the pty is 0x0 and busybox's stty says only "standard input".
tty_sized() {
  local i
  for ((i = 0; i < 10; i++)); do
    tty_type 'stty size'
    tty_wait "$1" 1 >/dev/null && return 0
  done
  tty_wait "$1" 1
}
# tty_resized: `stty size` until it shows the new 30x100.
tty_resized() { tty_sized '^30 100'; }
# tty_stop: once the command in the window has ended (up to 10 s: `ctr run --rm` still deletes its
# container after the shell exits), the window goes.
tty_stop() {
  tmux -S "$TMUX_SOCK" has-session -t t 2>/dev/null || return 0
  tty_wait __ended__ 10 >/dev/null
  tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
  return 0
}
