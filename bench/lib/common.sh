# shellcheck shell=bash
# Shared helpers of bench/run: logging, process tracking, free ports.
# Sourced, never executed.

log()  { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '[bench %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf '[bench %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

# --- process tracking ----------------------------------------------------
# Every process the bench starts is a direct child of this shell and is listed
# here; cleanup only ever signals pids from this list whose parent is still us,
# so a recycled pid can never make us kill a stranger.
BENCH_PIDS=()

track_pid() { BENCH_PIDS+=("$1"); }

untrack_pid() {
    local p keep=()
    for p in "${BENCH_PIDS[@]}"; do
        [[ $p == "$1" ]] || keep+=("$p")
    done
    BENCH_PIDS=("${keep[@]}")
}

# True while $1 exists, is our child and is not a zombie.
pid_is_ours() {
    local ppid stat
    ppid=$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ') || return 1
    [[ $ppid == "$$" ]] || return 1
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ $stat != Z* ]]
}

# stop_pid PID [TIMEOUT_S]: TERM, bounded wait, then KILL (the process and its
# own children, e.g. httpd workers orphaned if the parent died badly).
stop_pid() {
    local pid=$1 timeout=${2:-10} i kids
    if pid_is_ours "$pid"; then
        kids=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr '\n' ' ' || true)
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < timeout * 10; i++)); do
            pid_is_ours "$pid" || break
            sleep 0.1
        done
        if pid_is_ours "$pid"; then
            warn "pid $pid ignored SIGTERM for ${timeout}s; sending SIGKILL"
            # shellcheck disable=SC2086 # kids is a list of pids
            kill -KILL "$pid" $kids 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
    untrack_pid "$pid"
}

cleanup_pids() {
    local p
    # Newest first: httpd before the memcached it talks to.
    for ((p = ${#BENCH_PIDS[@]} - 1; p >= 0; p--)); do
        stop_pid "${BENCH_PIDS[p]}" 10
    done
}

# --- ports ---------------------------------------------------------------
port_listening() {
    [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
}

port_in_use() { # any socket in any state, not only listeners
    [[ -n $(ss -Htan "sport = :$1 or dport = :$1" 2>/dev/null) ]]
}

# A random port that no socket uses, outside the kernel's ephemeral range:
# inside it, any outgoing connection (wrk's, a test suite's) may hold the port
# by the time httpd binds it, and the bind fails with EADDRINUSE. Random
# rather than sequential so parallel users are unlikely to pick the same one.
free_port() {
    local lo hi p i base span
    read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { lo=32768; hi=60999; }
    if ((lo > 11000)); then
        base=10000 span=$((lo - 10000))
    else
        base=$((hi + 1)) span=$((65535 - hi))
    fi
    ((span > 0)) || die "no port range outside the ephemeral range $lo-$hi"
    for ((i = 0; i < 200; i++)); do
        p=$((base + (RANDOM * 32768 + RANDOM) % span))
        port_in_use "$p" || { echo "$p"; return 0; }
    done
    die "no free loopback port found"
}

# wait_port PORT up|down TIMEOUT_S [PID]: bounded poll; with PID, give up as
# soon as that process is gone (a server that died will never listen).
wait_port() {
    local port=$1 want=$2 timeout=$3 pid=${4:-} i
    for ((i = 0; i < timeout * 10; i++)); do
        if [[ $want == up ]]; then
            port_listening "$port" && return 0
            [[ -n $pid ]] && ! pid_is_ours "$pid" && return 1
        else
            port_listening "$port" || return 0
        fi
        sleep 0.1
    done
    return 1
}

# --- numbers -------------------------------------------------------------
median() {
    printf '%s\n' "$@" | sort -g | awk '
        { a[NR] = $1 }
        END {
            if (NR == 0) exit
            if (NR % 2) printf "%.1f\n", a[(NR + 1) / 2]
            else        printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2
        }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f\n", a / b }'; }

# ge A B: true when A >= B (floats)
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
