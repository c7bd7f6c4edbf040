#!/usr/bin/env bash
# Start, stop or query one lab BGP daemon by hand; see clab/README.md.
#   clab/peer.sh start  KIND DIR [VAR=VALUE...]   render templates/KIND into DIR and start the daemon there
#   clab/peer.sh stop   KIND DIR                  stop it by the PID recorded in DIR/daemon.pid
#   clab/peer.sh status KIND DIR                  show its session(s) and received routes
# KIND is frr, bird, gobgp, openbgpd or exabgp. Everything stays on loopback addresses.
set -euo pipefail

CLAB=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,6p' "$0" >&2; exit 2; }
[ $# -ge 3 ] || usage
action=$1 kind=$2 dir=$3
shift 3
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# Defaults mirror LabPeerOptions and the per-kind defaults of the C# harness (tests/Bgp.Interop.Tests/Lab).
declare -A V=(
  [REMOTE_ADDRESS]=127.0.1.1 [REMOTE_AS]=65000 [HOLD_TIME]=9 [CONNECT_RETRY]=1 [MULTIHOP]=8
  [PASSIVE]=false [REMOTE_IS_ROUTE_SERVER]=false [IPV6]=true [MD5_PASSWORD]= [TTL_SECURITY]= [NAME]=lab [API_PORT]=50054
)
case $kind in
  bird)     n=1 conf=bird.conf     template=bird.conf ;;
  frr)      n=2 conf=bgpd.conf     template=frr-bgpd.conf ;;
  openbgpd) n=3 conf=bgpd.conf     template=openbgpd.conf ;;
  gobgp)    n=4 conf=gobgpd.toml   template=gobgpd.toml ;;
  exabgp)   n=5 conf=exabgp.conf   template=exabgp.conf ;;
  *) usage ;;
esac
V[LOCAL_ADDRESS]=127.$n.0.1 V[LOCAL_AS]=6500$n
V[IPV4_ROUTES]="10.$n.0.0/24,10.$n.1.0/24" V[IPV6_ROUTES]=2001:db8:$n::/48
V[NEXT_HOP4]=198.18.0.$n V[NEXT_HOP6]=2001:db8:ffff::$n

pid_of() { [ -s "$dir/daemon.pid" ] && cat "$dir/daemon.pid"; }
alive() { local p; p=$(pid_of) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
var() { sed -n "s/^$1=//p" "$dir/vars" 2>/dev/null; }
ctl() {
  case $kind in
    bird)     birdc -s "$dir/bird.ctl" "$@" ;;
    frr)      vtysh --vty_socket "$dir" -c "$*" ;;
    openbgpd) bgpctl -s "$dir/bgpd.sock" "$@" ;;
    gobgp)    gobgp -p "$(var API_PORT)" "$@" ;;
    exabgp)   tail -n 20 "$dir/exabgp-events.jsonl" ;;
  esac
}

start() {
  if alive; then echo "already running, pid $(pid_of)" >&2; exit 1; fi
  local kv
  for kv in "$@"; do
    [[ $kv == *=* ]] || { echo "not VAR=VALUE: $kv" >&2; exit 2; }
    V[${kv%%=*}]=${kv#*=}
  done
  : "${V[ROUTER_ID]:=${V[LOCAL_ADDRESS]}}"
  V[KEEPALIVE]=$(( V[HOLD_TIME] / 3 ))
  [ -n "${V[TTL_SECURITY]}" ] && V[TTL_MIN]=$(( 256 - V[TTL_SECURITY] ))
  V[DIR]=$dir V[CLAB]=$CLAB
  case ${V[LOCAL_ADDRESS]} in 127.*) ;; *) echo "LOCAL_ADDRESS must be in 127.0.0.0/8" >&2; exit 2 ;; esac
  case ${V[REMOTE_ADDRESS]} in 127.*) ;; *) echo "REMOTE_ADDRESS must be in 127.0.0.0/8" >&2; exit 2 ;; esac

  : > "$dir/vars"
  local k
  for k in "${!V[@]}"; do printf '%s=%s\n' "$k" "${V[$k]}" >> "$dir/vars"; done
  awk -v VARS="$dir/vars" -f "$CLAB/render.awk" "$CLAB/templates/$template" > "$dir/$conf"

  local cmd=()
  case $kind in
    bird)     cmd=(bird -f -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid") ;;
    frr)      cmd=(/usr/lib/frr/bgpd -f "$dir/bgpd.conf" -i "$dir/bgpd.pid" --vty_socket "$dir" -p 179
                   -l "${V[LOCAL_ADDRESS]}" -Z -n -S -P 0 -u root -g root) ;;
    openbgpd) mkdir -p /run/openbgpd   # its privilege-separated children chroot there
              chmod 600 "$dir/bgpd.conf"
              cmd=(/usr/sbin/bgpd -d -f "$dir/bgpd.conf") ;;
    gobgp)    cmd=(gobgpd -f "$dir/gobgpd.toml" -t toml --api-hosts "127.0.0.1:${V[API_PORT]}" --pprof-disable -p) ;;
    exabgp)   : > "$dir/exabgp-commands"
              cmd=(env exabgp.daemon.daemonize=false exabgp.daemon.user=root exabgp.api.cli=false
                   exabgp.log.destination=stdout "exabgp.tcp.bind=${V[LOCAL_ADDRESS]}" exabgp.tcp.port=179
                   exabgp "$dir/exabgp.conf") ;;
  esac
  setsid "${cmd[@]}" > "$dir/stdout.log" 2> "$dir/stderr.log" < /dev/null &
  echo $! > "$dir/daemon.pid"

  # Bounded wait for the control interface.
  local i
  for i in $(seq 1 50); do
    alive || { echo "daemon exited; tail of $dir/stderr.log:" >&2; tail -n 20 "$dir/stderr.log" >&2; exit 1; }
    if ctl_ready; then break; fi
    sleep 0.2
  done
  if [ "$kind" = gobgp ]; then inject_gobgp_routes; fi
  echo "started $kind pid $(pid_of) at ${V[LOCAL_ADDRESS]} AS ${V[LOCAL_AS]} in $dir"
}

ctl_ready() {
  case $kind in
    bird)     birdc -s "$dir/bird.ctl" show status > /dev/null 2>&1 ;;
    frr)      vtysh --vty_socket "$dir" -c 'show bgp summary' > /dev/null 2>&1 ;;
    openbgpd) bgpctl -s "$dir/bgpd.sock" show > /dev/null 2>&1 ;;
    gobgp)    gobgp -p "${V[API_PORT]}" global > /dev/null 2>&1 ;;
    exabgp)   [ -s "$dir/exabgp-events.jsonl" ] || grep -q 'loaded\|Connected\|connect' "$dir/stdout.log" ;;
  esac
}

inject_gobgp_routes() {
  local p
  for p in ${V[IPV4_ROUTES]//,/ }; do gobgp -p "${V[API_PORT]}" global rib add -a ipv4 "$p" nexthop "${V[NEXT_HOP4]}"; done
  if [ "${V[IPV6]}" = true ]; then
    for p in ${V[IPV6_ROUTES]//,/ }; do gobgp -p "${V[API_PORT]}" global rib add -a ipv6 "$p" nexthop "${V[NEXT_HOP6]}"; done
  fi
}

stop() {
  local p i
  p=$(pid_of) || { echo "no pid file in $dir" >&2; return 0; }
  # Children first seen now (OpenBGPD's engines, ExaBGP's API process) are stopped by PID too.
  local kids
  kids=$(ps -o pid= --ppid "$p" 2>/dev/null || true)
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
  for i in $kids; do kill -0 "$i" 2>/dev/null && kill -KILL "$i" 2>/dev/null || true; done
  rm -f "$dir/daemon.pid"
  echo "stopped $kind pid $p"
}

status() {
  alive || { echo "$kind in $dir is not running"; return 1; }
  case $kind in
    bird)     ctl show protocols all; ctl show route all ;;
    frr)      ctl show bgp summary; ctl show bgp ipv4 unicast; ctl show bgp ipv6 unicast ;;
    openbgpd) ctl show; ctl show rib ;;
    gobgp)    ctl neighbor; ctl global rib -a ipv4; ctl global rib -a ipv6 ;;
    exabgp)   ctl ;;
  esac
}

case $action in
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
