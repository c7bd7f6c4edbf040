#!/usr/bin/env bash
# demo.sh: see bgpactorsd peer with a real BGP daemon, in one command.
#
# What it does, all on loopback addresses and unprivileged ports (no root needed once BIRD is installed):
#   1. checks for the .NET 10 SDK, installs BIRD 2 with apt-get when it is missing (sudo when not root),
#   2. builds bgpactorsd (src/Bgp.Host) and bgpactorsctl (src/Bgp.Cli) in Release,
#   3. writes a bgpactorsd config and a BIRD config into a fresh temporary directory,
#   4. starts BIRD (AS 65010 on 127.77.0.2) announcing a few IPv4 and IPv6 routes with communities,
#      and bgpactorsd (AS 65000 on 127.77.0.1, gRPC API on DIR/grpc.sock),
#   5. waits until the session is Established and every route has arrived, prints
#      `bgpactorsctl neighbor` and `bgpactorsctl rib`, and lists commands to try next,
#   6. keeps both running until Ctrl-C (or stops at once with --once), then stops them by PID and
#      removes the directory.
# Nothing touches the machine's routing table: BIRD runs without a kernel protocol.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: ./demo.sh [--once] [--keep] [--no-build] [--help]

Starts BIRD and bgpactorsd on loopback, waits for their BGP session and routes, and shows them
through bgpactorsctl. Runs until Ctrl-C; everything it started is stopped on the way out.

  --once      stop right after printing the neighbor and the routes (for tests and CI)
  --keep      keep the temporary directory (configs, logs) after stopping
  --no-build  use the Release builds already in src/*/bin instead of building them
  -h, --help  show this help

Needs the .NET 10 SDK (dotnet) on PATH; installs bird2 with apt-get when BIRD is missing.
Uses 127.77.0.1 and 127.77.0.2 (TCP ports 1179, 1790 and 9179), so one demo runs at a time.
EOF
}

once=false keep=false build=true
for arg in "$@"; do
  case $arg in
    --once) once=true ;;
    --keep) keep=true ;;
    --no-build) build=false ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DAEMON_DLL=$REPO/src/Bgp.Host/bin/Release/net10.0/bgpactorsd.dll
CLI_DLL=$REPO/src/Bgp.Cli/bin/Release/net10.0/bgpactorsctl.dll
# BIRD lives in /usr/sbin, which is not on an ordinary user's PATH on Debian.
export PATH=$PATH:/usr/sbin:/sbin

# The two routers. Both listen on ports above 1024 so nobody needs root or CAP_NET_BIND_SERVICE:
# BIRD dials bgpactorsd on 127.77.0.1:1179 (bgpactorsd itself always dials port 179, so its
# neighbor is passive here).
OUR_ADDR=127.77.0.1 OUR_AS=65000 OUR_PORT=1179
BIRD_ADDR=127.77.0.2 BIRD_AS=65010 BIRD_PORT=1790
METRICS=127.77.0.1:9179
IPV4_PREFIXES=(198.51.100.0/24 203.0.113.0/24 192.0.2.0/24)
IPV6_PREFIXES=(2001:db8:100::/48 2001:db8:200::/48)
ESTABLISH_TIMEOUT=60 ROUTES_TIMEOUT=30 POLL_INTERVAL=0.5

dir='' daemon_pid='' bird_pid='' last_ctl_error=''

say() { printf '==> %s\n' "$*"; }

# The last lines of every log the demo wrote, for error messages.
show_logs() {
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  local f
  for f in "$dir"/bgpactorsd.log "$dir"/bgpactorsd.stderr.log "$dir"/bird.stdout.log "$dir"/bird.log; do
    [ -s "$f" ] || continue
    printf -- '--- last lines of %s ---\n' "$f" >&2
    if [[ $f == */bgpactorsd.log ]] && command -v jq > /dev/null; then
      # The daemon logs JSON; show time, level and message.
      tail -n 25 "$f" | jq -Rr 'fromjson? // {"@m": .} | "\(.["@t"] // "") \(.["@l"] // "Information") \(.["@m"])"' >&2
    else
      tail -n 25 "$f" >&2
    fi
  done
}

die() {
  printf 'demo.sh: error: %s\n' "$*" >&2
  show_logs
  exit 1
}

# SIGTERM, wait up to $3 seconds, then SIGKILL; by PID only.
stop_pid() {
  local pid=$1 name=$2 grace=$3 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || { echo "stopped $name (pid $pid)"; return 0; }
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  echo "killed $name (pid $pid): it did not stop within ${grace}s of SIGTERM"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  trap '' PIPE   # a closed stdout must not cut the clean-up short
  set +e
  # bgpactorsd first, so it can send BIRD a Cease (Administrative Shutdown) before BIRD goes.
  stop_pid "$daemon_pid" bgpactorsd 15
  stop_pid "$bird_pid" BIRD 5
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    if $keep; then echo "kept $dir (configs and logs)"; else rm -rf "$dir" && echo "removed $dir"; fi
  fi
  exit "$rc"
}
# Every way out goes through cleanup: a signal's trap exits, and exit runs the EXIT trap.
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

# bgpactorsctl against this demo's daemon; every call is bounded.
ctl() { timeout 20 dotnet "$CLI_DLL" --addr "unix://$dir/grpc.sock" "$@"; }

# ---------------------------------------------------------------------------------------------
# 1. What we need

command -v dotnet > /dev/null || {
  echo "demo.sh: error: 'dotnet' not found: install the .NET 10 SDK (https://learn.microsoft.com/dotnet/core/install/linux) and run again" >&2
  exit 1
}

if ! command -v bird > /dev/null || ! command -v birdc > /dev/null; then
  command -v apt-get > /dev/null || { echo "demo.sh: error: BIRD 2 is not installed and there is no apt-get: install BIRD 2 (bird, birdc) and run again" >&2; exit 1; }
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null || { echo "demo.sh: error: BIRD 2 is not installed; run 'apt-get install bird2' as root, then run again" >&2; exit 1; }
    sudo=(sudo)
  fi
  say "installing bird2 (${sudo[*]:+sudo }apt-get install bird2)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bird2 > /dev/null
  command -v bird > /dev/null && command -v birdc > /dev/null || { echo "demo.sh: error: installing bird2 did not provide bird and birdc" >&2; exit 1; }
fi
command -v timeout > /dev/null || { echo "demo.sh: error: 'timeout' (coreutils) not found" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/bgpactors-demo.XXXXXX")
echo "demo dir: $dir"

# ---------------------------------------------------------------------------------------------
# 2. Build

if $build; then
  dotnet --list-sdks 2>/dev/null | grep -q '^10\.' || die "building needs the .NET 10 SDK; 'dotnet --list-sdks' shows none"
  for project in src/Bgp.Host src/Bgp.Cli; do
    say "building $project (Release)"
    if ! (cd "$REPO" && dotnet build -c Release -nologo "$project") > "$dir/build.log" 2>&1; then
      grep -E ': error |error:' "$dir/build.log" | sort -u | tail -n 20 >&2 || tail -n 20 "$dir/build.log" >&2
      die "building $project failed"
    fi
  done
fi
[ -f "$DAEMON_DLL" ] || die "$DAEMON_DLL is missing: run without --no-build, or 'dotnet build -c Release src/Bgp.Host'"
[ -f "$CLI_DLL" ] || die "$CLI_DLL is missing: run without --no-build, or 'dotnet build -c Release src/Bgp.Cli'"

# ---------------------------------------------------------------------------------------------
# 3. Configs

cat > "$dir/bgpactors.toml" <<EOF
# bgpactorsd configuration for demo.sh (keys: docs/CONFIGURATION.md).
[global]
asn = $OUR_AS
router_id = "$OUR_ADDR"
listen_addresses = ["$OUR_ADDR"]
listen_port = $OUR_PORT                     # not 179: no root needed
runtime_state_dir = "$dir"   # the gRPC API socket is grpc.sock in here

[global.telemetry]
log_format = "json"                       # one JSON object per line on stdout (bgpactorsd.log)
log_level = "info"
prometheus_address = "$METRICS"          # curl http://$METRICS/metrics

[[neighbors]]
address = "$BIRD_ADDR"
remote_asn = $BIRD_AS
description = "BIRD, the demo peer"
passive = true                            # BIRD dials us; we would dial port 179, where it does not listen
families = ["ipv4-unicast", "ipv6-unicast"]
hold_time = 30
connect_retry = 1
EOF

# BIRD: two static protocols hold the sample routes (blackhole routes exist only inside BIRD:
# with no kernel protocol nothing reaches the machine's routing table); the export filter
# decorates some of them so the routes have something to show.
{
  cat <<EOF
log "$dir/bird.log" all;
router id $BIRD_ADDR;

protocol device {
}

protocol static sample4 {
    ipv4;
EOF
  for p in "${IPV4_PREFIXES[@]}"; do echo "    route $p blackhole;"; done
  cat <<EOF
}

protocol static sample6 {
    ipv6;
EOF
  for p in "${IPV6_PREFIXES[@]}"; do echo "    route $p blackhole;"; done
  cat <<EOF
}

filter to_bgpactors {
    if source != RTS_STATIC then reject;
    if net = 198.51.100.0/24 then {
        bgp_community.add(($BIRD_AS, 100));
        bgp_large_community.add(($BIRD_AS, 1, 100));
    }
    if net = 203.0.113.0/24 then {
        bgp_path.prepend($BIRD_AS);
        bgp_med = 50;
        bgp_community.add(($BIRD_AS, 200));
    }
    if net = 2001:db8:100::/48 then {
        bgp_community.add(($BIRD_AS, 100));
        bgp_large_community.add(($BIRD_AS, 6, 100));
    }
    accept;
}

protocol bgp bgpactors {
    description "bgpactorsd";
    local $BIRD_ADDR port $BIRD_PORT as $BIRD_AS;
    neighbor $OUR_ADDR port $OUR_PORT as $OUR_AS;
    strict bind;
    multihop 8;                # distinct loopback addresses count as multihop for eBGP
    hold time 30;
    connect delay time 1;
    connect retry time 1;
    error wait time 1, 2;
    ipv4 {
        import all;
        export filter to_bgpactors;
    };
    # IPv6 unicast over the IPv4 session (RFC 4760): it needs an explicit IPv6 next hop.
    ipv6 {
        import all;
        next hop address 2001:db8:77::2;
        export filter to_bgpactors;
    };
}
EOF
} > "$dir/bird.conf"

# ---------------------------------------------------------------------------------------------
# 4. Start both

# $! is the forked shell until it execs; wait (bounded) until that PID is the program itself, so
# the PIDs we stop later are the daemons' (setsid execs in place: no job control here).
await_exec() {
  local pid=$1 comm=$2 name=$3
  for ((i = 0; i < 50; i++)); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  die "$name did not start (PID $pid is not $comm)"
}

say "starting BIRD (AS $BIRD_AS on $BIRD_ADDR)"
# setsid: a Ctrl-C in the terminal reaches only this script, which then stops the daemons in order.
setsid bird -f -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid" > "$dir/bird.stdout.log" 2>&1 < /dev/null &
bird_pid=$!
await_exec "$bird_pid" bird BIRD
for ((i = 0; i < 50; i++)); do
  kill -0 "$bird_pid" 2>/dev/null || { bird_pid=''; die "BIRD exited at start-up"; }
  birdc -s "$dir/bird.ctl" show status > /dev/null 2>&1 && break
  sleep 0.2
done
birdc -s "$dir/bird.ctl" show status > /dev/null 2>&1 || die "BIRD's control socket did not answer within 10 s"

say "starting bgpactorsd (AS $OUR_AS on $OUR_ADDR:$OUR_PORT)"
setsid dotnet "$DAEMON_DLL" "$dir/bgpactors.toml" > "$dir/bgpactorsd.log" 2> "$dir/bgpactorsd.stderr.log" < /dev/null &
daemon_pid=$!
await_exec "$daemon_pid" dotnet bgpactorsd

# ---------------------------------------------------------------------------------------------
# 5. Wait for the session, then for the routes (both bounded)

alive_or_die() {
  local rc
  kill -0 "$daemon_pid" 2>/dev/null || { wait "$daemon_pid" && rc=0 || rc=$?; daemon_pid=''; die "bgpactorsd exited early (exit code $rc)"; }
  kill -0 "$bird_pid" 2>/dev/null || { bird_pid=''; die "BIRD exited early"; }
}

# Polls "$@" until it succeeds, at most $1 seconds; the daemons must stay up meanwhile.
poll() {
  local limit=$1 deadline
  shift
  deadline=$((SECONDS + limit))
  for ((i = 0; i < limit * 4; i++)); do
    alive_or_die
    "$@" && return 0
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep "$POLL_INTERVAL"
  done
  return 1
}

# A failed call is remembered for the error message; one the CLI does not understand ends the demo at once.
ctl_failed() {
  last_ctl_error=$(tail -n 5 <<<"$1")
  if grep -q 'Unrecognized command' <<<"$1"; then
    die "bgpactorsctl does not understand '$2': $CLI_DLL predates the neighbor and rib commands this demo uses:
$(grep -m 4 'Unrecognized command\|Required command' <<<"$1")"
  fi
  return 1
}

established() {
  local out
  out=$(ctl neighbor --json 2>&1) || ctl_failed "$out" "neighbor --json" || return 1
  last_ctl_error=''
  grep -q SESSION_STATE_ESTABLISHED <<<"$out"
}

have_all_routes() {
  local out p
  # BIRD 2.0 may hold its last UPDATE back for a few seconds when idle; any request wakes it.
  birdc -s "$dir/bird.ctl" show protocols > /dev/null 2>&1 || true
  out=$(ctl rib --json 2>&1) || ctl_failed "$out" "rib --json" || return 1
  last_ctl_error=''
  for p in "${IPV4_PREFIXES[@]}" "${IPV6_PREFIXES[@]}"; do
    grep -qF "\"$p\"" <<<"$out" || return 1
  done
}

say "waiting for the session to reach Established (at most ${ESTABLISH_TIMEOUT}s)"
poll "$ESTABLISH_TIMEOUT" established ||
  die "no Established session with BIRD within ${ESTABLISH_TIMEOUT}s${last_ctl_error:+; bgpactorsctl said: $last_ctl_error}
BIRD's view: $(birdc -s "$dir/bird.ctl" show protocols bgpactors 2>&1 | tail -n 2)"

say "waiting for BIRD's ${#IPV4_PREFIXES[@]} IPv4 and ${#IPV6_PREFIXES[@]} IPv6 routes (at most ${ROUTES_TIMEOUT}s)"
poll "$ROUTES_TIMEOUT" have_all_routes ||
  die "bgpactorsd did not list all of ${IPV4_PREFIXES[*]} ${IPV6_PREFIXES[*]} within ${ROUTES_TIMEOUT}s${last_ctl_error:+; bgpactorsctl said: $last_ctl_error}"

# ---------------------------------------------------------------------------------------------
# 6. Show, then wait

echo
say "bgpactorsctl neighbor"
ctl neighbor || die "bgpactorsctl neighbor failed"
echo
say "bgpactorsctl rib"
ctl rib || die "bgpactorsctl rib failed"
echo

if $once; then
  when="run ./demo.sh without --once to keep both daemons up for these"
else
  when="in another terminal, while this demo runs"
fi
cat <<EOF
What to try next ($when):

  export BGPACTORS_ADDR=unix://$dir/grpc.sock
  alias bgpactorsctl='dotnet $CLI_DLL'

  # a live view of the neighbors and the RIB
  bgpactorsctl top
  # one neighbor in detail: negotiated capabilities, counters, prefixes per family
  bgpactorsctl neighbor $BIRD_ADDR
  # why this path is the best one
  bgpactorsctl rib 198.51.100.0/24 --explain
  # route changes and session events as they happen (then try the birdc lines below)
  bgpactorsctl watch
  # originate a route; BIRD receives it (and calls it unreachable: it has no IGP route to the next hop)
  bgpactorsctl inject add 192.0.2.128/25 --next-hop $OUR_ADDR
  # the Prometheus metrics, through the API or over HTTP
  bgpactorsctl metrics
  curl -s http://$METRICS/metrics | grep '^bgpactors_peer'
  # BIRD's side: what it learned from bgpactorsd; shut the session down with a message, bring it back
  birdc -s $dir/bird.ctl show route protocol bgpactors all
  birdc -s $dir/bird.ctl 'disable bgpactors "maintenance"'
  birdc -s $dir/bird.ctl enable bgpactors
  # the daemon's log, one JSON object per line
  jq -c '{time: .["@t"], message: .["@m"]}' $dir/bgpactorsd.log

EOF

if $once; then
  say "--once: stopping"
  exit 0
fi

say "running: bgpactorsd pid $daemon_pid, BIRD pid $bird_pid. Press Ctrl-C to stop."
while kill -0 "$daemon_pid" 2>/dev/null && kill -0 "$bird_pid" 2>/dev/null; do
  sleep 1
done
alive_or_die
