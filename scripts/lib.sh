# shellcheck shell=bash
# Helpers shared by scripts/test, scripts/demo and t/run-suite.
#
# Rules these helpers keep: every process we start is remembered by pid (or by
# the id of a process group we created) and is the only thing we ever signal;
# waiting is a bounded poll on an observable condition (a port, a pid), never
# a sleep that hopes something has happened.

# Debian packages the build, the tests, the demo and the benchmarks need.
SECMODS_PACKAGES=(
    apache2 apache2-utils apache2-dev libapache2-mod-perl2 libapache2-mod-security2
    libssl-dev libjansson-dev libmemcached-dev libmemcached-tools memcached
    autoconf automake libtool pkg-config make gcc check
    clang libclang-rt-14-dev wrk gnuplot-nox curl perl git
    php-cgi liblwp-protocol-https-perl openssl
    chromium
)

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- packages -------------------------------------------------------------

missing_packages() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
            || printf '%s\n' "$p"
    done
}

# Installs whatever is missing. Services must not start from a package's
# postinst (they would not be ours to stop), so a policy-rc.d that forbids
# starting them is in place for the duration of the install; callers' exit
# traps call restore_policy_rc in case the install is interrupted.
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_BACKUP=""
POLICY_RC_PENDING=false

restore_policy_rc() {
    $POLICY_RC_PENDING || return 0
    if [[ -n $POLICY_RC_BACKUP ]]; then
        cp -p "$POLICY_RC_BACKUP" "$POLICY_RC"
        rm -f "$POLICY_RC_BACKUP"
    else
        rm -f "$POLICY_RC"
    fi
    POLICY_RC_PENDING=false
}

ensure_packages() {
    local missing rc=0
    mapfile -t missing < <(missing_packages "${SECMODS_PACKAGES[@]}")
    ((${#missing[@]} == 0)) && return 0
    if ((EUID != 0)); then
        die "missing packages: ${missing[*]} (as root: apt-get install ${missing[*]})"
    fi
    log "installing: ${missing[*]}"
    POLICY_RC_BACKUP=""
    if [[ -e $POLICY_RC ]]; then
        POLICY_RC_BACKUP=$(mktemp)
        cp -p "$POLICY_RC" "$POLICY_RC_BACKUP"
    fi
    POLICY_RC_PENDING=true
    printf '#!/bin/sh\n# secmods: no services start during package installs\nexit 101\n' >"$POLICY_RC"
    chmod 755 "$POLICY_RC"
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    } || rc=$?
    restore_policy_rc
    ((rc == 0)) || die "apt-get failed ($rc)"
}

# --- processes and ports --------------------------------------------------

# True while pid exists and is not a zombie (a daemon that exited may linger
# as a zombie when it was reparented to a pid 1 that does not reap).
pid_alive() {
    local pid=$1 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

pid_gone() { ! pid_alive "$1"; }

# True while a live (non-zombie) process is in process group PGID. Zombies
# are skipped: a group member reparented to a pid 1 that does not reap stays
# a zombie for ever. Builtins only, as this runs in a polling loop.
pgrp_alive() {
    local f line st pg
    for f in /proc/[0-9]*/stat; do
        { read -r line <"$f"; } 2>/dev/null || continue
        read -r st _ pg _ <<<"${line##*) }"
        [[ $pg == "$1" && $st != Z ]] && return 0
    done
    return 1
}
pgrp_gone() { ! pgrp_alive "$1"; }

# wait_until SECONDS COMMAND...: polls COMMAND until it succeeds; fails after
# SECONDS. The short sleep is the poll interval, not a synchronisation.
wait_until() {
    local limit=$1 deadline
    shift
    deadline=$(($(date +%s%N) + limit * 1000000000))
    until "$@"; do
        (($(date +%s%N) < deadline)) || return 1
        sleep 0.05
    done
}

# A TCP connect from bash itself: no client tool needed.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port the kernel just handed out, hence free now. Whoever binds it next
# must still cope with losing the race (start_memcached retries).
free_port() {
    perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1, ReuseAddr => 1)->sockport, "\n"'
}

# stop_pid PID [SECONDS]: TERM, poll until gone, then KILL.
stop_pid() {
    local pid=$1 limit=${2:-15}
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    if ! wait_until "$limit" pid_gone "$pid"; then
        warn "pid $pid ignored SIGTERM for ${limit}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    # Reap it if it is our child; harmless otherwise.
    wait "$pid" 2>/dev/null || true
}

# stop_pgrp PGID [SECONDS]: the same for a process group we created with setsid.
stop_pgrp() {
    local pgid=$1 limit=${2:-20}
    if pgrp_alive "$pgid"; then
        kill -TERM -- "-$pgid" 2>/dev/null || true
        if ! wait_until "$limit" pgrp_gone "$pgid"; then
            warn "process group $pgid still alive ${limit}s after SIGTERM; sending SIGKILL"
            kill -KILL -- "-$pgid" 2>/dev/null || true
        fi
    fi
    # Reap the leader if it is our child.
    wait "$pgid" 2>/dev/null || true
}

# cmdline_has PID TEXT: the process's command line (arguments joined by
# spaces) contains TEXT.
cmdline_has() {
    local cmd
    cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$2"* ]]
}

# stop_pidfile FILE TEXT: stops the process a pid file we wrote names, if it
# is alive and its command line still contains TEXT (a recycled pid is
# someone else's).
stop_pidfile() {
    local file=$1 text=$2 pid
    [[ -r $file ]] || return 0
    pid=$(tr -dc '0-9' <"$file")
    [[ -n $pid ]] || return 0
    if pid_alive "$pid" && cmdline_has "$pid" "$text"; then
        stop_pid "$pid"
    fi
}

# stop_memcached_pidfiles DIR: the memcached t/run-suite (and tests that
# restarted a node) recorded as DIR/mcN.pid beside DIR/mcN.port.
stop_memcached_pidfiles() {
    local f port
    for f in "$1"/mc*.pid; do
        [[ -e $f ]] || continue
        port=$(tr -dc '0-9' <"${f%.pid}.port" 2>/dev/null) || continue
        [[ -n $port ]] && stop_pidfile "$f" "memcached -l 127.0.0.1 -p $port "
    done
    return 0
}

# Every daemon the helpers start, recorded the moment it is started, so that a
# failure right after the start cannot leak it. stop_started stops them all.
STARTED_PIDS=()
stop_started() {
    local p
    for p in "${STARTED_PIDS[@]}"; do stop_pid "$p" 5; done
}

# start_memcached PORTVAR PIDVAR LOGFILE [PREFIX...]: starts memcached on a
# free loopback port and waits until it accepts connections. PREFIX (e.g. a
# setpriv command line ending in exec form) lets the caller drop privileges
# without an extra process in between, so the pid we record is memcached's.
start_memcached() {
    # Locals carry a prefix so they cannot shadow the caller's variable names.
    local -n __mc_port=$1 __mc_pid=$2
    local __logfile=$3 __try __p __pid __user=()
    shift 3
    # memcached refuses to run as root unless told whom to become.
    ((EUID != 0 || $# > 0)) || __user=(-u "$SECMODS_RUN_USER")
    for __try in 1 2 3 4 5; do
        __p=$(free_port)
        "$@" memcached -l 127.0.0.1 -p "$__p" -U 0 -m 64 -v "${__user[@]}" \
            </dev/null >>"$__logfile" 2>&1 &
        __pid=$!
        STARTED_PIDS+=("$__pid")
        wait_until 10 memcached_settled "$__pid" "$__p" || true
        if pid_alive "$__pid" && port_open "$__p"; then
            __mc_port=$__p
            __mc_pid=$__pid
            return 0
        fi
        # Lost the race for the port, or memcached failed: try another port.
        stop_pid "$__pid" 5
        warn "memcached on port $__p did not come up (try $__try); see $__logfile"
    done
    return 1
}
# Up, or dead (e.g. the port was taken): either way, no point waiting longer.
memcached_settled() { ! pid_alive "$1" || port_open "$2"; }

# --- running as the unprivileged user ------------------------------------

# Apache::Test refuses to run as root, so when we are root everything after
# the install runs as this user. setpriv changes credentials and execs, so the
# pid of the command is the pid we started (runuser/su would sit in between).
SECMODS_RUN_USER=${SECMODS_RUN_USER:-nobody}

# as_user_prefix ARRAYVAR HOME DIR: fills ARRAYVAR with the command prefix
# that runs a command in DIR as the unprivileged user with HOME (only the
# change of directory when we are not root).
as_user_prefix() {
    local -n __prefix=$1
    local home=$2 dir=$3
    if ((EUID == 0)); then
        local uid gid
        uid=$(id -u "$SECMODS_RUN_USER") || die "no user $SECMODS_RUN_USER"
        gid=$(id -g "$SECMODS_RUN_USER")
        __prefix=(setpriv "--reuid=$uid" "--regid=$gid" --init-groups
                  env -C "$dir" "HOME=$home" "USER=$SECMODS_RUN_USER" "LOGNAME=$SECMODS_RUN_USER")
    else
        __prefix=(env -C "$dir")
    fi
}
