# shellcheck shell=bash
# Globals are shared with bench/run, which sets and reads them:
# shellcheck disable=SC2034
# Scenario discovery: every bench/scenarios/NN-name.conf is one scenario.
# The file is an httpd config snippet; header comments of the form
# "# bench-KEY: value" tell the harness about it (see bench/README.md).

declare -a SCEN_NAMES=()
declare -A SCEN_FILE=() SCEN_PATH=() SCEN_NEEDS=() SCEN_TARGET=() SCEN_DESC=()
declare -A SCEN_HEADERS=() SCEN_SETUP=() SCEN_SCRIPT=() SCEN_RATIO_TO=()
declare -A SCEN_STATUS=() SCEN_REASON=()

# Needs the harness knows how to satisfy; anything else is a typo and should
# fail loudly rather than run the scenario without its dependency.
KNOWN_NEEDS=" memcached "

scenario_header() { # FILE KEY -> value of the first "# bench-KEY:" line
    sed -n "s/^#[[:space:]]*bench-$2:[[:space:]]*//p" "$1" | head -n1 | sed 's/[[:space:]]*$//'
}

scenario_header_all() { # FILE KEY -> value of every "# bench-KEY:" line, one a line
    sed -n "s/^#[[:space:]]*bench-$2:[[:space:]]*//p" "$1" | sed 's/[[:space:]]*$//'
}

load_scenarios() { # DIR
    local f base name need
    shopt -s nullglob
    for f in "$1"/*.conf; do
        base=${f##*/}
        base=${base%.conf}
        name=${base#[0-9]*-}
        # "NN-" is only for ordering; a file without it keeps its whole name.
        [[ $base =~ ^[0-9]+- ]] || name=$base
        [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "scenario file $f: name '$name' has odd characters"
        [[ -z ${SCEN_FILE[$name]:-} ]] || die "scenario '$name' defined twice: ${SCEN_FILE[$name]} and $f"
        SCEN_NAMES+=("$name")
        SCEN_FILE[$name]=$f
        SCEN_PATH[$name]=$(scenario_header "$f" path)
        SCEN_PATH[$name]=${SCEN_PATH[$name]:-/index.html}
        SCEN_NEEDS[$name]=$(scenario_header "$f" needs | tr ',' ' ')
        SCEN_TARGET[$name]=$(scenario_header "$f" target)
        SCEN_DESC[$name]=$(scenario_header "$f" description)
        SCEN_HEADERS[$name]=$(scenario_header_all "$f" header)
        SCEN_SETUP[$name]=$(scenario_header "$f" setup)
        SCEN_SCRIPT[$name]=$(scenario_header "$f" wrk-script)
        SCEN_RATIO_TO[$name]=$(scenario_header "$f" ratio-to)
        SCEN_RATIO_TO[$name]=${SCEN_RATIO_TO[$name]:-bare}
        SCEN_STATUS[$name]=ok
        SCEN_REASON[$name]=
        local h
        while IFS= read -r h; do
            [[ -z $h || $h =~ ^[A-Za-z0-9-]+:\ .+ ]] || die "scenario '$name': bench-header '$h' is not 'Name: value'"
        done <<<"${SCEN_HEADERS[$name]}"
        if [[ -n ${SCEN_SCRIPT[$name]} ]]; then
            [[ ${SCEN_SCRIPT[$name]} =~ ^[A-Za-z0-9._-]+\.lua$ && -f $BENCH_DIR/scripts/${SCEN_SCRIPT[$name]} ]] ||
                die "scenario '$name': bench-wrk-script '${SCEN_SCRIPT[$name]}' is not a file in bench/scripts/"
        fi
        [[ ${SCEN_PATH[$name]} == /* ]] || die "scenario '$name': bench-path must start with /"
        if [[ -n ${SCEN_TARGET[$name]} ]] && ! [[ ${SCEN_TARGET[$name]} =~ ^[0-9]*\.?[0-9]+$ ]]; then
            die "scenario '$name': bench-target '${SCEN_TARGET[$name]}' is not a number"
        fi
        for need in ${SCEN_NEEDS[$name]}; do
            [[ $KNOWN_NEEDS == *" $need "* ]] || die "scenario '$name': unknown bench-needs '$need' (known:$KNOWN_NEEDS)"
        done
    done
    shopt -u nullglob
    [[ -n ${SCEN_FILE[bare]:-} ]] || die "no 'bare' scenario in $1: every ratio is taken against it"
    # A reference must be measured before its users in every round, so its
    # per-round figure exists when theirs is taken: it must sort earlier.
    local seen=" bare " ref
    for name in "${SCEN_NAMES[@]}"; do
        ref=${SCEN_RATIO_TO[$name]}
        if [[ $name != bare && $seen != *" $ref "* ]]; then
            die "scenario '$name': bench-ratio-to '$ref' is not a scenario whose file sorts before it"
        fi
        seen+="$name "
    done
    SCEN_RATIO_TO[bare]=bare
    # bare leads every round whatever its file is called.
    local rest=()
    for name in "${SCEN_NAMES[@]}"; do [[ $name == bare ]] || rest+=("$name"); done
    SCEN_NAMES=(bare "${rest[@]}")
}

# Keep "bare" plus the names in $1 (space-separated), in file order.
filter_scenarios() {
    local want=" $1 " keep=() n
    # Whatever a wanted scenario is compared with runs too.
    for n in $1; do
        [[ -n ${SCEN_RATIO_TO[$n]:-} ]] && want+="${SCEN_RATIO_TO[$n]} "
    done
    for n in "${SCEN_NAMES[@]}"; do
        [[ $n == bare || $want == *" $n "* ]] && keep+=("$n")
    done
    for n in $1; do
        [[ -n ${SCEN_FILE[$n]:-} ]] || die "BENCH_SCENARIOS names unknown scenario '$n'"
    done
    SCEN_NAMES=("${keep[@]}")
}

scenario_needs() { [[ " ${SCEN_NEEDS[$1]} " == *" $2 "* ]]; }

mark_skip()  { SCEN_STATUS[$1]=skip;  SCEN_REASON[$1]=$2; warn "scenario $1 skipped: $2"; }
mark_error() { SCEN_STATUS[$1]=error; SCEN_REASON[$1]=$2; warn "scenario $1 FAILED: $2"; }
