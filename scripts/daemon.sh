# Sourced by the server scripts (connect-server.sh, kafka.sh, hadoop.sh, s3.sh): one background
# JVM per state folder ($state), known by its PID ($state/pid) and port ($state/port) on 127.0.0.1;
# stopped by PID, never by name.
# $script names the caller in messages.
# daemon_secret LENGTH: random letters and digits, for a server's passwords and keys.
daemon_secret() { tr -dc 'A-Za-z0-9' < /dev/urandom | head -c "$1" || true; }
listening() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
daemon_alive() { [[ -f "$state/pid" ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null; }

# daemon_refuse PORT: exit 2 with one line when one already runs or the port is taken.
daemon_refuse() {
  if daemon_alive; then
    echo "$script: already running (PID $(cat "$state/pid"), port $(cat "$state/port")); stop it first" >&2
    exit 2
  fi
  if listening "$1"; then
    echo "$script: port $1 on 127.0.0.1 is in use; choose another with --port" >&2
    exit 2
  fi
}

# daemon_start PORT COMMAND...: runs COMMAND in the background (output in $state/log) and waits
# up to 60 s for it to listen on PORT; exit 1 if it stops or never listens.
daemon_start() {
  local port="$1"
  shift
  echo "$port" > "$state/port"
  nohup "$@" > "$state/log" 2>&1 < /dev/null &
  echo $! > "$state/pid"
  daemon_wait "port $port did not open" listening "$port"
}

# daemon_wait FAILURE CHECK...: waits up to 60 s for CHECK to succeed while the daemon runs; exit 1
# (stopping it) if it stops first or FAILURE (a message) comes true.
daemon_wait() {
  local failure="$1"
  shift
  for _ in $(seq 1 600); do
    "$@" && return 0
    if ! daemon_alive; then
      echo "$script: stopped while starting; see $state/log:" >&2
      grep -m1 -E "Exception|Error" "$state/log" >&2 || tail -5 "$state/log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$script: $failure in 60 s; see $state/log" >&2
  daemon_stop > /dev/null
  exit 1
}

# daemon_status ADDRESS: how clients reach it when it runs.
daemon_status() {
  if daemon_alive; then
    echo "running (PID $(cat "$state/pid"), $1$(cat "$state/port"))"
  else
    echo "not running"
  fi
}

# daemon_stop: SIGTERM, then SIGKILL after 15 s.
daemon_stop() {
  if daemon_alive; then
    local pid
    pid="$(cat "$state/pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done # its ports are free when it is gone
  fi
  rm -f "$state/pid"
  echo "stopped"
}
