/* Shared-memory counters and their Prometheus rendering; see sec_metrics.h.
 *
 * Every field is updated with __atomic builtins so children of every MPM add
 * up without a lock. The struct is position-independent (no pointers) since
 * each process maps the segment at its own address.
 */
#include <string.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include "sec_metrics.h"
#include "sec_store.h"

/* Upper bounds of the latency histogram, in microseconds, and the same in
 * seconds as the le label shows them. */
static const apr_uint32_t lat_bounds_us[SEC_METRICS_LAT_BUCKETS] = {
    25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000, 1000000
};
static const char *const lat_bounds_le[SEC_METRICS_LAT_BUCKETS] = {
    "0.000025", "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005",
    "0.01", "0.025", "0.1", "1"
};

enum { SLOT_FREE = 0, SLOT_CLAIMING = 1, SLOT_READY = 2 };

typedef struct {
    apr_uint32_t state;
    char family[SEC_METRICS_NAME_MAX];
    char labels[SEC_METRICS_LABELS_MAX];
    apr_uint64_t value;
} counter_slot_t;

struct sec_metrics_t {
    apr_uint64_t ops[SEC_STORE_KIND_N][SEC_OP_N];
    apr_uint64_t errors[SEC_STORE_KIND_N][SEC_ERRK_N];
    apr_uint64_t lat_buckets[SEC_STORE_KIND_N][SEC_METRICS_LAT_BUCKETS + 1];
    apr_uint64_t lat_sum_us[SEC_STORE_KIND_N];
    apr_uint64_t evictions;
    counter_slot_t counters[SEC_METRICS_COUNTERS];
};

apr_size_t sec_metrics_size(void)
{
    return sizeof(sec_metrics_t);
}

void sec_metrics_init(sec_metrics_t *m)
{
    memset(m, 0, sizeof(*m));
}

const char *sec_store_op_name(sec_store_op_e op)
{
    static const char *n[SEC_OP_N] = {"get", "set", "add", "incr", "del"};
    return op < SEC_OP_N ? n[op] : "unknown";
}

const char *sec_store_kind_name(sec_store_kind_e k)
{
    return k == SEC_STORE_KIND_MEMCACHED ? "memcached" : "shm";
}

const char *sec_store_errkind_name(sec_store_errkind_e k)
{
    static const char *n[SEC_ERRK_N] = {"unavailable", "timeout", "protocol", "full",
                                        "too_big", "other"};
    return k < SEC_ERRK_N ? n[k] : "other";
}

#define ADD(field, v) __atomic_add_fetch(&(field), (v), __ATOMIC_RELAXED)
#define LOAD(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

void sec_metrics_store_op(sec_metrics_t *m, sec_store_kind_e kind, sec_store_op_e op,
                          apr_status_t rv, apr_interval_time_t latency)
{
    int b;
    apr_uint64_t us;

    if (!m || kind >= SEC_STORE_KIND_N || op >= SEC_OP_N) {
        return;
    }
    ADD(m->ops[kind][op], 1);
    if (sec_store_is_outage(rv)) {
        ADD(m->errors[kind][sec_store_errkind(rv)], 1);
    }
    us = latency > 0 ? (apr_uint64_t)latency : 0;
    for (b = 0; b < SEC_METRICS_LAT_BUCKETS && us > lat_bounds_us[b]; b++)
        ;
    ADD(m->lat_buckets[kind][b], 1);
    ADD(m->lat_sum_us[kind], us);
}

void sec_metrics_eviction(sec_metrics_t *m)
{
    if (m) {
        ADD(m->evictions, 1);
    }
}

apr_uint64_t sec_metrics_evictions(const sec_metrics_t *m)
{
    return m ? LOAD(m->evictions) : 0;
}

apr_uint64_t sec_metrics_store_ops(const sec_metrics_t *m, sec_store_kind_e kind, sec_store_op_e op)
{
    return LOAD(m->ops[kind][op]);
}

apr_uint64_t sec_metrics_store_errors(const sec_metrics_t *m, sec_store_kind_e kind,
                                      sec_store_errkind_e ek)
{
    return LOAD(m->errors[kind][ek]);
}

/* Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]*. Labels: we only check
 * that they can't break the exposition format (no newline, balanced as the
 * caller wrote them). */
static int family_ok(const char *f)
{
    const char *c;
    if (!*f || (*f >= '0' && *f <= '9')) {
        return 0;
    }
    for (c = f; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == ':')) {
            return 0;
        }
    }
    return 1;
}

static int labels_ok(const char *l)
{
    const char *c;
    for (c = l; *c; c++) {
        if (*c == '\n' || *c == '\r' || *c == '{' || *c == '}' || *c == '\\') {
            return 0;
        }
    }
    return 1;
}

apr_status_t sec_metrics_counter_add(sec_metrics_t *m, const char *family, const char *labels,
                                     apr_uint64_t delta)
{
    int i;

    if (!m) {
        return APR_EINVAL;
    }
    if (!labels) {
        labels = "";
    }
    if (strlen(family) >= SEC_METRICS_NAME_MAX || strlen(labels) >= SEC_METRICS_LABELS_MAX ||
        !family_ok(family) || !labels_ok(labels)) {
        return APR_ENOSPC;
    }
    for (i = 0; i < SEC_METRICS_COUNTERS; i++) {
        counter_slot_t *s = &m->counters[i];
        apr_uint32_t st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
        if (st == SLOT_READY) {
            if (!strcmp(s->family, family) && !strcmp(s->labels, labels)) {
                ADD(s->value, delta);
                return APR_SUCCESS;
            }
            continue;
        }
        if (st == SLOT_FREE) {
            apr_uint32_t expect = SLOT_FREE;
            if (__atomic_compare_exchange_n(&s->state, &expect, SLOT_CLAIMING, 0,
                                            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                apr_cpystrn(s->family, family, sizeof(s->family));
                apr_cpystrn(s->labels, labels, sizeof(s->labels));
                ADD(s->value, delta);
                __atomic_store_n(&s->state, SLOT_READY, __ATOMIC_RELEASE);
                return APR_SUCCESS;
            }
        }
        /* Being claimed by another process right now: if it is ours the
         * renderer sums duplicates, so moving on is correct. */
    }
    return APR_ENOSPC;
}

char *sec_metrics_render(apr_pool_t *p, const sec_metrics_t *m)
{
    char *out;
    int k, o, e, b, i, j;
    apr_array_header_t *parts = apr_array_make(p, 64, sizeof(char *));
#define EMIT(...) (*(char **)apr_array_push(parts) = apr_psprintf(p, __VA_ARGS__))

    EMIT("# HELP secmods_store_operations_total Store operations by store and operation.\n"
         "# TYPE secmods_store_operations_total counter\n");
    for (k = 0; k < SEC_STORE_KIND_N; k++)
        for (o = 0; o < SEC_OP_N; o++)
            EMIT("secmods_store_operations_total{store=\"%s\",op=\"%s\"} %" APR_UINT64_T_FMT "\n",
                 sec_store_kind_name(k), sec_store_op_name(o), LOAD(m->ops[k][o]));
    EMIT("# HELP secmods_store_errors_total Store operations that could not be answered, by kind.\n"
         "# TYPE secmods_store_errors_total counter\n");
    for (k = 0; k < SEC_STORE_KIND_N; k++)
        for (e = 0; e < SEC_ERRK_N; e++)
            EMIT("secmods_store_errors_total{store=\"%s\",kind=\"%s\"} %" APR_UINT64_T_FMT "\n",
                 sec_store_kind_name(k), sec_store_errkind_name(e), LOAD(m->errors[k][e]));
    EMIT("# HELP secmods_store_latency_seconds Store operation latency.\n"
         "# TYPE secmods_store_latency_seconds histogram\n");
    for (k = 0; k < SEC_STORE_KIND_N; k++) {
        apr_uint64_t cum = 0;
        for (b = 0; b <= SEC_METRICS_LAT_BUCKETS; b++) {
            cum += LOAD(m->lat_buckets[k][b]);
            if (b < SEC_METRICS_LAT_BUCKETS)
                EMIT("secmods_store_latency_seconds_bucket{store=\"%s\",le=\"%s\"} %"
                     APR_UINT64_T_FMT "\n", sec_store_kind_name(k), lat_bounds_le[b], cum);
            else
                EMIT("secmods_store_latency_seconds_bucket{store=\"%s\",le=\"+Inf\"} %"
                     APR_UINT64_T_FMT "\n", sec_store_kind_name(k), cum);
        }
        EMIT("secmods_store_latency_seconds_sum{store=\"%s\"} %.6f\n", sec_store_kind_name(k),
             LOAD(m->lat_sum_us[k]) / 1e6);
        EMIT("secmods_store_latency_seconds_count{store=\"%s\"} %" APR_UINT64_T_FMT "\n",
             sec_store_kind_name(k), cum);
    }
    EMIT("# HELP secmods_store_evictions_total Entries the embedded store evicted to make room.\n"
         "# TYPE secmods_store_evictions_total counter\n"
         "secmods_store_evictions_total %" APR_UINT64_T_FMT "\n", LOAD(m->evictions));

    /* Counter families added by modules, one HELP/TYPE block per family;
     * duplicate (family, labels) slots from racing claims are summed. */
    for (i = 0; i < SEC_METRICS_COUNTERS; i++) {
        const counter_slot_t *s = &m->counters[i];
        int seen = 0;
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != SLOT_READY) continue;
        for (j = 0; j < i; j++) {
            const counter_slot_t *t = &m->counters[j];
            if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == SLOT_READY &&
                !strcmp(t->family, s->family)) { seen = 1; break; }
        }
        if (seen) continue;
        EMIT("# TYPE %s counter\n", s->family);
        for (j = i; j < SEC_METRICS_COUNTERS; j++) {
            const counter_slot_t *t = &m->counters[j];
            apr_uint64_t sum = 0;
            int dup = 0, l;
            if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != SLOT_READY ||
                strcmp(t->family, s->family)) continue;
            for (l = i; l < j; l++) {
                const counter_slot_t *u = &m->counters[l];
                if (__atomic_load_n(&u->state, __ATOMIC_ACQUIRE) == SLOT_READY &&
                    !strcmp(u->family, t->family) && !strcmp(u->labels, t->labels)) { dup = 1; break; }
            }
            if (dup) continue;
            for (l = j; l < SEC_METRICS_COUNTERS; l++) {
                const counter_slot_t *u = &m->counters[l];
                if (__atomic_load_n(&u->state, __ATOMIC_ACQUIRE) == SLOT_READY &&
                    !strcmp(u->family, t->family) && !strcmp(u->labels, t->labels))
                    sum += LOAD(u->value);
            }
            if (*t->labels)
                EMIT("%s{%s} %" APR_UINT64_T_FMT "\n", t->family, t->labels, sum);
            else
                EMIT("%s %" APR_UINT64_T_FMT "\n", t->family, sum);
        }
    }
#undef EMIT
    out = apr_array_pstrcat(p, parts, '\0');
    return out;
}
