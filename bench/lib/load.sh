# shellcheck shell=bash
# The load generator (wrk) and the memcached some scenarios need.

# run_wrk URL DURATION OUTFILE [WRK ARGS...]: keep-alive load; wrk's own
# report to OUTFILE. Extra arguments: -H headers, -s script.
run_wrk() {
    local url=$1 duration=$2 outfile=$3
    shift 3
    wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "$duration" --latency "$@" "$url" >"$outfile" 2>&1
}

# parse_wrk OUTFILE -> "RPS NON2XX SOCKET_ERRORS P99"
# wrk prints the "Non-2xx or 3xx responses" and "Socket errors" lines only
# when they are non-zero, so absence means 0.
parse_wrk() {
    awk '
        /^Requests\/sec:/                { rps = $2 }
        /Non-2xx or 3xx responses:/      { bad = $NF }
        /Socket errors:/ {
            gsub(",", ""); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) se += $i
        }
        $1 == "99%"                      { p99 = $2 }
        END { printf "%s %d %d %s\n", (rps == "" ? "-" : rps), bad, se, (p99 == "" ? "-" : p99) }
    ' "$1"
}

# memcached_start: sets MEMCACHED_PID and MEMCACHED_ADDR. Started as root so
# that its pid is ours; "-u nobody" makes it drop to nobody itself.
memcached_start() {
    local port
    port=$(free_port)
    memcached -u nobody -l 127.0.0.1 -p "$port" -U 0 -m 128 -c 1024 -t 2 \
        >>"$RUN_DIR/memcached.log" 2>&1 </dev/null &
    MEMCACHED_PID=$!
    track_pid "$MEMCACHED_PID"
    wait_port "$port" up 10 "$MEMCACHED_PID" ||
        die "memcached did not start on 127.0.0.1:$port: $(tail -n 3 "$RUN_DIR/memcached.log")"
    MEMCACHED_ADDR=127.0.0.1:$port
    log "memcached pid $MEMCACHED_PID on $MEMCACHED_ADDR"
}

memcached_stop() {
    [[ -n ${MEMCACHED_PID:-} ]] || return 0
    stop_pid "$MEMCACHED_PID" 10
    MEMCACHED_PID=
}
