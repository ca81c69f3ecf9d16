# shellcheck shell=bash
# Globals are shared with bench/run, which sets and reads them:
# shellcheck disable=SC2153
# Summaries of a finished run: the table, the results markdown, the chart.

mib() { awk -v k="$1" 'BEGIN { if (k != "") printf "%.1f\n", k / 1024 }'; }

# summarize: fills SUM_* for every scenario and SUMMARY_FAILS with targets missed.
summarize() {
    local n
    declare -gA SUM_RPS=() SUM_RATIO=() SUM_PSS=() SUM_PSS_RATIO=() SUM_RSS=() SUM_RSS_RATIO=() SUM_RESULT=()
    SUMMARY_FAILS=()
    # shellcheck disable=SC2086 # per-round values are space-separated lists
    for n in "${SCEN_NAMES[@]}"; do
        [[ -n ${R_RPS[$n]:-} ]] || continue
        SUM_RPS[$n]=$(median ${R_RPS[$n]})
        SUM_PSS[$n]=$(median ${R_PSS[$n]})
        SUM_RSS[$n]=$(median ${R_RSS[$n]})
    done
    for n in "${SCEN_NAMES[@]}"; do
        [[ -n ${SUM_RPS[$n]:-} ]] || continue
        SUM_RATIO[$n]=$(ratio "${SUM_RPS[$n]}" "${SUM_RPS[${SCEN_RATIO_TO[$n]}]:-}")
        SUM_PSS_RATIO[$n]=$(ratio "${SUM_PSS[$n]}" "${SUM_PSS[bare]}")
        SUM_RSS_RATIO[$n]=$(ratio "${SUM_RSS[$n]}" "${SUM_RSS[bare]}")
        if [[ -z ${SCEN_TARGET[$n]} ]]; then
            SUM_RESULT[$n]=-
        elif ge "${SUM_RATIO[$n]}" "${SCEN_TARGET[$n]}"; then
            SUM_RESULT[$n]=PASS
        else
            SUM_RESULT[$n]=FAIL
            SUMMARY_FAILS+=("$n")
        fi
    done
}

print_table() {
    local n
    echo "| scenario | median req/s | ratio | to | target | result | PSS MiB | PSS ratio | RSS MiB | RSS ratio |"
    echo "|---|---:|---:|---|---:|---|---:|---:|---:|---:|"
    for n in "${SCEN_NAMES[@]}"; do
        if [[ -n ${SUM_RPS[$n]:-} && ${SCEN_STATUS[$n]} == ok ]]; then
            printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" \
                "${SUM_RPS[$n]}" "${SUM_RATIO[$n]}" "${SCEN_RATIO_TO[$n]}" "${SCEN_TARGET[$n]:--}" "${SUM_RESULT[$n]}" \
                "$(mib "${SUM_PSS[$n]}")" "${SUM_PSS_RATIO[$n]}" \
                "$(mib "${SUM_RSS[$n]}")" "${SUM_RSS_RATIO[$n]}"
        else
            printf '| %s | %s: %s | | | %s | %s | | | | |\n' "$n" \
                "${SCEN_STATUS[$n]^^}" "${SCEN_REASON[$n]//|/\\|}" "${SCEN_TARGET[$n]:--}" \
                "$([[ ${SCEN_STATUS[$n]} == error ]] && echo ERROR || echo SKIP)"
        fi
    done
}

machine_description() {
    local model mem
    model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    mem=$(free -g | awk '/^Mem:/ { printf "%s GiB total, %s GiB available", $2, $7 }')
    echo "- CPUs (nproc): $(nproc)"
    echo "- CPU model: ${model:-unknown}"
    echo "- memory (free -g): $mem"
    echo "- kernel (uname -r): $(uname -r)"
    echo "- httpd: $("$HTTPD_BIN" -v | awk -F': *' '/^Server version/ { print $2 }') ($HTTPD_BIN)"
    echo "- load average (1/5/15 min) before the run: $LOADAVG_START; after: $LOADAVG_END"
    echo "- wrk: $(wrk -v 2>&1 | head -n1 | awk '{ print $1, $2 }')"
    if [[ -n ${MEMCACHED_PID:-} ]]; then
        echo "- memcached: $(memcached -V 2>&1)"
    fi
}

# write_markdown FILE PNG_NAME ELAPSED_S
write_markdown() {
    local f=$1 png=$2 elapsed=$3 n rev sum path
    rev=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo "no commit")
    if [[ -n $(git -C "$REPO_DIR" status --porcelain 2>/dev/null | head -n1) ]]; then rev+=" (dirty tree)"; fi
    {
        echo "# secmods bench — $STAMP_HUMAN"
        echo
        [[ $BENCH_QUICK == 1 ]] && { echo "**Quick mode (smoke check): one short round, numbers not to be trusted.**"; echo; }
        echo "## Machine"
        echo
        machine_description
        echo
        echo "## Settings"
        echo
        echo "- source: $rev; build dir $BUILD_DIR"
        for n in "${SCEN_NAMES[@]}"; do
            [[ -n ${SCEN_FPRINT[$n]:-} ]] || continue
            while read -r sum path; do
                if [[ -n ${SNAP_SRC[$path]:-} ]]; then
                    echo "- $n loads ${SNAP_SRC[$path]} as copied at the start (sha256 ${sum:0:16}, built ${SNAP_MTIME[${SNAP_SRC[$path]}]})"
                else
                    echo "- $n loads $path (sha256 ${sum:0:16})"
                fi
            done <<<"${SCEN_FPRINT[$n]}"
        done
        for path in "${SNAP_CHANGED[@]}"; do
            echo "- **$path was rebuilt during the run**; the numbers are for the copy taken at the start"
        done
        echo "- wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION --latency http://127.0.0.1:PORT/PATH, keep-alive"
        echo "- $BENCH_ROUNDS interleaved round(s); each scenario per round: fresh httpd, ${BENCH_WARMUP} warm-up, measurement, memory sample, stop"
        echo "- one httpd at a time; event MPM, 2 children x 32 threads, KeepAlive On, MaxKeepAliveRequests 100, no access log (bench/conf/httpd.conf.in)"
        echo "- ratio = scenario median / median of its reference (column \"to\": bare unless the scenario names another with bench-ratio-to) in this run; memory = sum over httpd parent + children after the measurement, median over rounds"
        echo "- total run time: ${elapsed} s"
        echo
        echo "## Results"
        echo
        print_table
        echo
        [[ -f ${f%/*}/$png ]] && { echo "![chart]($png)"; echo; }
        echo "## Per-round raw numbers"
        echo
        echo "| round | scenario | req/s | ratio to its reference in the round | p99 latency | PSS MiB | RSS MiB | processes | socket errors | new error.log lines |"
        echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        printf '%s\n' "${RAW_ROWS[@]}"
        echo
        if [[ -n ${MEMCACHED_MEM:-} ]]; then
            echo "memcached (not included above) VmRSS at the end of the run: $MEMCACHED_MEM"
            echo
        fi
        echo "## Scenarios"
        echo
        for n in "${SCEN_NAMES[@]}"; do
            echo "### $n"
            echo
            echo "${SCEN_DESC[$n]:-(no description)}"
            echo
            echo '```apache'
            grep -v '^#[[:space:]]*bench-' "${SCEN_FILE[$n]}" || echo "# (no directives)"
            echo '```'
            echo
        done
    } >"$f"
}

# write_chart PNG: bars of median req/s and PSS per scenario, ratios as labels,
# the individual rounds as dots so the spread is visible at a glance.
write_chart() {
    local png=$1 dat=$RUN_DIR/chart.dat rdat=$RUN_DIR/rounds.dat i=0 n v count
    : >"$dat"
    : >"$rdat"
    for n in "${SCEN_NAMES[@]}"; do
        [[ -n ${SUM_RPS[$n]:-} && ${SCEN_STATUS[$n]} == ok ]] || continue
        echo "$i $n ${SUM_RPS[$n]} ${SUM_RATIO[$n]} $(mib "${SUM_PSS[$n]}") ${SUM_PSS_RATIO[$n]}" >>"$dat"
        for v in ${R_RPS[$n]}; do echo "$i $v" >>"$rdat"; done
        i=$((i + 1))
    done
    count=$i
    gnuplot <<GNUPLOT
set terminal pngcairo size 1200,520 noenhanced font "sans,10"
set output "$png"
set multiplot layout 1,2 title "secmods bench $STAMP_HUMAN: wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION, $BENCH_ROUNDS round(s), bars = median, dots = rounds"
set style fill solid 0.6 border -1
set boxwidth 0.6
set xrange [-0.6:$count-0.4]
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set xtics rotate by -25
set grid ytics
set title "Throughput (label: ratio to the reference, bare unless named)"
set ylabel "requests/s"
plot "$dat" using 1:3:xtic(2) with boxes lc rgb "#4477aa" notitle, \
     "$dat" using 1:3:(sprintf("%.3f", \$4)) with labels offset 0,0.8 notitle, \
     "$rdat" using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle
set title "httpd memory, PSS of parent + children (label: ratio to bare)"
set ylabel "MiB"
plot "$dat" using 1:5:xtic(2) with boxes lc rgb "#cc6677" notitle, \
     "$dat" using 1:5:(sprintf("%.2f", \$6)) with labels offset 0,0.8 notitle
unset multiplot
GNUPLOT
}
