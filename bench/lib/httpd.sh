# shellcheck shell=bash
# Globals are shared with bench/run, which sets and reads them:
# shellcheck disable=SC2034,SC2153
# One httpd per scenario and round: render its config, start it, check it
# serves, measure its memory, stop it. Only one runs at a time so scenarios
# never compete for the cores.

declare -A SCEN_FPRINT=() # scenario -> module_fingerprint at render time
# The project's modules are copied into the run dir once, at the start, and
# loaded from there: the C code is rebuilt while benches run, and every round
# must measure the same build (and never a half-linked .so).
declare -A SNAP_COPY=() SNAP_SRC=() SNAP_SUM=() SNAP_MTIME=()
SNAP_CHANGED=()

# snapshot_module SRC: sets SNAP_RESULT to the run's copy of SRC.
snapshot_module() {
    local src=$1 dst
    if [[ -z ${SNAP_COPY[$src]:-} ]]; then
        mkdir -p "$RUN_DIR/modules"
        dst=$RUN_DIR/modules/${src##*/}
        [[ ! -e $dst ]] || dst=$RUN_DIR/modules/${#SNAP_COPY[@]}-${src##*/}
        cp "$src" "$dst"
        SNAP_COPY[$src]=$dst
        SNAP_SRC[$dst]=$src
        SNAP_SUM[$src]=$(sha256sum <"$dst" | cut -d' ' -f1)
        SNAP_MTIME[$src]=$(date -r "$src" '+%Y-%m-%d %H:%M:%S')
    fi
    SNAP_RESULT=${SNAP_COPY[$src]}
}

# Warn about snapshotted modules whose source changed during the run.
check_snapshots() {
    local src
    SNAP_CHANGED=()
    for src in "${!SNAP_COPY[@]}"; do
        if [[ $(sha256sum <"$src" 2>/dev/null | cut -d' ' -f1) != "${SNAP_SUM[$src]}" ]]; then
            SNAP_CHANGED+=("$src")
            warn "$src was rebuilt during the run; the numbers are for the copy taken at the start (${SNAP_SUM[$src]:0:16})"
        fi
    done
}

# bash 5.2 would otherwise expand "&" in ${var//pat/rep} replacements.
shopt -u patsub_replacement 2>/dev/null || true

# substitute TEXT -> TEXT with every @NAME@ placeholder filled in
substitute() {
    local t=$1
    t=${t//@RUN_DIR@/$SCEN_RUN_DIR}
    t=${t//@PORT@/$HTTPD_PORT}
    t=${t//@DOCROOT@/$DOCROOT}
    t=${t//@APACHE_MODULES@/$APACHE_MODULES}
    t=${t//@BUILD_DIR@/$BUILD_DIR}
    t=${t//@REPO_DIR@/$REPO_DIR}
    t=${t//@BENCH_DIR@/$BENCH_DIR}
    t=${t//@MEMCACHED@/${MEMCACHED_ADDR:-@MEMCACHED@}}
    printf '%s\n' "$t"
}

# render_scenario NAME: writes $RUN_DIR/NAME/{httpd.conf,scenario.conf}.
# Returns 2 (and sets the reason) when the scenario cannot run here.
render_scenario() {
    local name=$1 left path conf
    SCEN_RUN_DIR=$RUN_DIR/$name
    mkdir -p "$SCEN_RUN_DIR/runtime"
    substitute "$(cat "$CONF_TEMPLATE")" >"$SCEN_RUN_DIR/httpd.conf"
    substitute "$(cat "${SCEN_FILE[$name]}")" >"$SCEN_RUN_DIR/scenario.conf"
    # A module that is not built yet is a skip, not a failure: the C code and
    # the bench grow separately.
    while read -r path; do
        if [[ ! -e $path ]]; then
            RENDER_REASON="not built: $path"
            return 2
        fi
    done < <(awk '$1 == "LoadModule" { print $3 } $1 == "LoadFile" { print $2 }' "$SCEN_RUN_DIR/scenario.conf" | tr -d '"')
    conf=$(cat "$SCEN_RUN_DIR/scenario.conf")
    while read -r path; do
        [[ $path == /usr/* ]] && continue
        snapshot_module "$path"
        conf=${conf//"$path"/"$SNAP_RESULT"}
    done < <(awk '$1 == "LoadModule" { print $3 } $1 == "LoadFile" { print $2 }' "$SCEN_RUN_DIR/scenario.conf" | tr -d '"')
    printf '%s\n' "$conf" >"$SCEN_RUN_DIR/scenario.conf"
    SCEN_FPRINT[$name]=$(module_fingerprint "$name")
    left=$(cat "$SCEN_RUN_DIR/httpd.conf" "$SCEN_RUN_DIR/scenario.conf" | grep -v '^[[:space:]]*#' |
        grep -o '@[A-Z_]*@' | sort -u | tr '\n' ' ' || true)
    if [[ -n $left ]]; then
        RENDER_REASON="unknown placeholder(s) $left"
        return 1
    fi
    return 0
}

# module_fingerprint NAME -> "sha256  path" of every file the scenario loads.
# The C code is rebuilt while benches run; a round measured against another
# build than the others would make the median meaningless.
module_fingerprint() {
    awk '$1 == "LoadModule" { print $3 } $1 == "LoadFile" { print $2 }' "$RUN_DIR/$1/scenario.conf" |
        tr -d '"' | while read -r path; do sha256sum "$path"; done
}

httpd_configtest() { # NAME
    local out
    if ! out=$("$HTTPD_BIN" -t -f "$RUN_DIR/$1/httpd.conf" 2>&1); then
        RENDER_REASON="configtest failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
        return 1
    fi
}

# httpd_start NAME: sets HTTPD_PID. FOREGROUND keeps the parent our direct
# child, so its pid is known without trusting a pid file and cleanup can reap it.
httpd_start() {
    local name=$1 dir=$RUN_DIR/$1 i pidf
    rm -f "$dir/httpd.pid"
    "$HTTPD_BIN" -f "$dir/httpd.conf" -DFOREGROUND >>"$dir/httpd.out" 2>&1 </dev/null &
    HTTPD_PID=$!
    track_pid "$HTTPD_PID"
    if ! wait_port "$HTTPD_PORT" up 15 "$HTTPD_PID"; then
        HTTPD_ERR="httpd did not listen on $HTTPD_PORT: $(tail -n 3 "$dir/error.log" "$dir/httpd.out" 2>/dev/null | tr '\n' ' ')"
        stop_pid "$HTTPD_PID" 10
        return 1
    fi
    for ((i = 0; i < 50; i++)); do
        [[ -s $dir/httpd.pid ]] && break
        sleep 0.1
    done
    pidf=$(cat "$dir/httpd.pid" 2>/dev/null || true)
    if [[ $pidf != "$HTTPD_PID" ]]; then
        HTTPD_ERR="pid file says '$pidf', started $HTTPD_PID"
        stop_pid "$HTTPD_PID" 10
        return 1
    fi
    # Both children up, so the first wrk second is not spent forking.
    for ((i = 0; i < 50; i++)); do
        (($(httpd_pids "$HTTPD_PID" | wc -w) >= 3)) && break
        sleep 0.1
    done
}

# Stop by the pid file, as an operator would, then wait until the port is
# free so the next scenario can bind it.
httpd_stop() { # NAME
    local pidf
    pidf=$(cat "$RUN_DIR/$1/httpd.pid" 2>/dev/null || true)
    [[ $pidf == "$HTTPD_PID" ]] || warn "pid file of $1 says '$pidf', stopping $HTTPD_PID"
    stop_pid "$HTTPD_PID" 15
    wait_port "$HTTPD_PORT" down 15 || die "port $HTTPD_PORT still busy 15 s after httpd stopped"
    HTTPD_PID=
}

httpd_pids() { # PARENT -> parent and its children
    echo "$1"
    ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true
}

# httpd_memory PARENT -> "PSS_KB RSS_KB NPROCS" summed over parent and
# children. PSS splits shared pages (code, shm store) between the processes
# that map them, so its sum is the real footprint; the RSS sum counts every
# shared page once per process and overstates it.
httpd_memory() {
    local pid pss=0 rss=0 n=0 v
    for pid in $(httpd_pids "$1"); do
        v=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null) || continue
        pss=$((pss + ${v:-0}))
        v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
        rss=$((rss + ${v:-0}))
        n=$((n + 1))
    done
    echo "$pss $rss $n"
}

# http_status PATH [HEADER...] -> status code of one GET (with the
# scenario's extra headers), with nothing but bash, so a scenario that
# answers 3xx/4xx/5xx is caught before it is measured.
http_status() {
    local line code=000 path=$1 h extra=""
    shift
    for h in "$@"; do extra+="$h"$'\r\n'; done
    if exec 3<>"/dev/tcp/127.0.0.1/$HTTPD_PORT"; then
        printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s\r\n' "$path" "$extra" >&3
        if IFS= read -r -t 5 line <&3; then
            code=$(printf '%s' "$line" | awk '{ print $2 }')
        fi
        exec 3<&-
    fi
    echo "$code"
}
