/* sec_metrics: store counters, error kinds, latency, counter families and
 * the Prometheus rendering. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_metrics.h"
#include "sec_store.h"

static sec_metrics_t *new_metrics(void)
{
    sec_metrics_t *m;

    ck_assert_uint_gt(sec_metrics_size(), 0);
    m = malloc(sec_metrics_size());
    ck_assert_ptr_nonnull(m);
    memset(m, 0xa5, sec_metrics_size());   /* init must clear everything */
    sec_metrics_init(m);
    return m;
}

static void has_line(const char *text, const char *line)
{
    const char *s = text;
    apr_size_t n = strlen(line);

    while ((s = strstr(s, line)) != NULL) {
        if ((s == text || s[-1] == '\n') && s[n] == '\n') {
            return;
        }
        s++;
    }
    ck_abort_msg("line \"%s\" not in:\n%s", line, text);
}

/* The bucket line of store with upper bound le (compared as a number: the
 * exposition format doesn't fix how a float is spelt) has value want. */
static void has_bucket(const char *text, const char *store, double le, apr_uint64_t want)
{
    char prefix[128];
    const char *s = text;
    apr_size_t n;

    snprintf(prefix, sizeof(prefix), "secmods_store_latency_seconds_bucket{store=\"%s\",le=\"",
             store);
    n = strlen(prefix);
    while ((s = strstr(s, prefix)) != NULL) {
        char *end;
        double v = strtod(s + n, &end);
        if (end != s + n && *end == '"' && end[1] == '}' && end[2] == ' ' &&
            v > le * 0.999999 && v < le * 1.000001) {
            ck_assert_msg(strtoull(end + 3, NULL, 10) == want, "bucket %s le=%g: %.40s", store,
                          le, s);
            return;
        }
        s += n;
    }
    ck_abort_msg("no bucket le=%g for store %s in:\n%s", le, store, text);
}

START_TEST(names)
{
    ck_assert_str_eq(sec_store_op_name(SEC_OP_GET), "get");
    ck_assert_str_eq(sec_store_op_name(SEC_OP_INCR), "incr");
    ck_assert_str_eq(sec_store_op_name(SEC_OP_DEL), "del");
    ck_assert_str_eq(sec_store_kind_name(SEC_STORE_KIND_SHM), "shm");
    ck_assert_str_eq(sec_store_kind_name(SEC_STORE_KIND_MEMCACHED), "memcached");
    ck_assert_str_eq(sec_store_errkind_name(SEC_ERRK_TIMEOUT), "timeout");
    ck_assert_str_eq(sec_store_errkind_name(SEC_ERRK_TOOBIG), "too_big");
}
END_TEST

START_TEST(store_ops_and_errors)
{
    sec_metrics_t *m = new_metrics();
    int k, o, e;

    for (k = 0; k < SEC_STORE_KIND_N; k++) {
        for (o = 0; o < SEC_OP_N; o++) {
            ck_assert_uint_eq(sec_metrics_store_ops(m, k, o), 0);
        }
        for (e = 0; e < SEC_ERRK_N; e++) {
            ck_assert_uint_eq(sec_metrics_store_errors(m, k, e), 0);
        }
    }
    ck_assert_uint_eq(sec_metrics_evictions(m), 0);

    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_GET, APR_SUCCESS, 10);
    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_GET, APR_NOTFOUND, 20);
    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_GET, SEC_STORE_ETIMEOUT, 30);
    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_ADD, SEC_STORE_EEXISTS, 5);
    sec_metrics_store_op(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_INCR, SEC_STORE_EUNAVAILABLE, 100);
    sec_metrics_store_op(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_SET, SEC_STORE_ETOOBIG, 100);
    sec_metrics_store_op(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_SET, SEC_STORE_EPROTOCOL, 100);
    sec_metrics_store_op(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_SET, SEC_STORE_EFULL, 100);
    sec_metrics_store_op(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_DEL, APR_EGENERAL, 100);
    /* out-of-range kinds and ops are ignored, NULL metrics too */
    sec_metrics_store_op(m, SEC_STORE_KIND_N, SEC_OP_GET, APR_SUCCESS, 1);
    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_N, APR_SUCCESS, 1);
    sec_metrics_store_op(NULL, SEC_STORE_KIND_SHM, SEC_OP_GET, APR_SUCCESS, 1);

    ck_assert_uint_eq(sec_metrics_store_ops(m, SEC_STORE_KIND_SHM, SEC_OP_GET), 3);
    ck_assert_uint_eq(sec_metrics_store_ops(m, SEC_STORE_KIND_SHM, SEC_OP_ADD), 1);
    ck_assert_uint_eq(sec_metrics_store_ops(m, SEC_STORE_KIND_SHM, SEC_OP_SET), 0);
    ck_assert_uint_eq(sec_metrics_store_ops(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_SET), 3);
    ck_assert_uint_eq(sec_metrics_store_ops(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_INCR), 1);
    ck_assert_uint_eq(sec_metrics_store_ops(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_GET), 0);
    /* a miss and an "exists" are not errors */
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_SHM, SEC_ERRK_TIMEOUT), 1);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_SHM, SEC_ERRK_OTHER), 0);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_SHM, SEC_ERRK_UNAVAILABLE), 0);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_MEMCACHED, SEC_ERRK_UNAVAILABLE), 1);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_MEMCACHED, SEC_ERRK_TOOBIG), 1);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_MEMCACHED, SEC_ERRK_PROTOCOL), 1);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_MEMCACHED, SEC_ERRK_FULL), 1);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_MEMCACHED, SEC_ERRK_OTHER), 1);
    ck_assert_uint_eq(sec_metrics_store_errors(m, SEC_STORE_KIND_MEMCACHED, SEC_ERRK_TIMEOUT), 0);

    sec_metrics_eviction(m);
    sec_metrics_eviction(m);
    sec_metrics_eviction(NULL);
    ck_assert_uint_eq(sec_metrics_evictions(m), 2);
    ck_assert_uint_eq(sec_metrics_evictions(NULL), 0);
    free(m);
}
END_TEST

START_TEST(store_outage_classification)
{
    ck_assert_int_eq(sec_store_is_outage(APR_SUCCESS), 0);
    ck_assert_int_eq(sec_store_is_outage(APR_NOTFOUND), 0);
    ck_assert_int_eq(sec_store_is_outage(SEC_STORE_EEXISTS), 0);
    ck_assert_int_eq(sec_store_is_outage(SEC_STORE_EUNAVAILABLE), 1);
    ck_assert_int_eq(sec_store_is_outage(SEC_STORE_ETIMEOUT), 1);
    ck_assert_int_eq(sec_store_is_outage(SEC_STORE_EPROTOCOL), 1);
    ck_assert_int_eq(sec_store_is_outage(SEC_STORE_EFULL), 1);
    ck_assert_int_eq(sec_store_is_outage(SEC_STORE_ETOOBIG), 1);
    ck_assert_int_eq(sec_store_is_outage(APR_EGENERAL), 1);
    ck_assert_int_eq(sec_store_errkind(SEC_STORE_EUNAVAILABLE), SEC_ERRK_UNAVAILABLE);
    ck_assert_int_eq(sec_store_errkind(SEC_STORE_ETIMEOUT), SEC_ERRK_TIMEOUT);
    ck_assert_int_eq(sec_store_errkind(SEC_STORE_EPROTOCOL), SEC_ERRK_PROTOCOL);
    ck_assert_int_eq(sec_store_errkind(SEC_STORE_EFULL), SEC_ERRK_FULL);
    ck_assert_int_eq(sec_store_errkind(SEC_STORE_ETOOBIG), SEC_ERRK_TOOBIG);
    ck_assert_int_eq(sec_store_errkind(APR_EGENERAL), SEC_ERRK_OTHER);
    {
        apr_pool_t *p = unit_pool();
        ck_assert_str_eq(sec_store_strerror(p, SEC_STORE_EUNAVAILABLE), "store unavailable");
        ck_assert_str_eq(sec_store_strerror(p, APR_NOTFOUND), "not found");
        ck_assert_str_eq(sec_store_strerror(p, SEC_STORE_EEXISTS), "key exists");
        ck_assert_ptr_nonnull(sec_store_strerror(p, APR_ENOMEM));
        ck_assert_uint_gt(strlen(sec_store_strerror(p, APR_ENOMEM)), 0);
        apr_pool_destroy(p);
    }
}
END_TEST

START_TEST(counter_families)
{
    sec_metrics_t *m = new_metrics();
    apr_pool_t *p = unit_pool();
    char *text;
    char longname[SEC_METRICS_NAME_MAX + 8], longlabels[SEC_METRICS_LABELS_MAX + 8];

    ck_assert_int_eq(sec_metrics_counter_add(m, "secmods_denials_total",
                                             "module=\"secratelimit\",reason=\"rate\"", 1),
                     APR_SUCCESS);
    ck_assert_int_eq(sec_metrics_counter_add(m, "secmods_denials_total",
                                             "module=\"secratelimit\",reason=\"rate\"", 2),
                     APR_SUCCESS);
    ck_assert_int_eq(sec_metrics_counter_add(m, "secmods_denials_total",
                                             "module=\"seccsrf\",reason=\"token\"", 5),
                     APR_SUCCESS);
    ck_assert_int_eq(sec_metrics_counter_add(m, "secmods_reloads_total", NULL, 7), APR_SUCCESS);
    ck_assert_int_eq(sec_metrics_counter_add(m, "secmods_reloads_total", "", 1), APR_SUCCESS);
    ck_assert_int_eq(sec_metrics_counter_add(m, "ns:sub_name", "a=\"b\"", 0), APR_SUCCESS);

    /* invalid family names and labels */
    ck_assert_int_ne(sec_metrics_counter_add(m, "", NULL, 1), APR_SUCCESS);
    ck_assert_int_ne(sec_metrics_counter_add(m, "1abc", NULL, 1), APR_SUCCESS);
    ck_assert_int_ne(sec_metrics_counter_add(m, "bad-name", NULL, 1), APR_SUCCESS);
    ck_assert_int_ne(sec_metrics_counter_add(m, "bad name", NULL, 1), APR_SUCCESS);
    ck_assert_int_ne(sec_metrics_counter_add(m, "bad\nname", NULL, 1), APR_SUCCESS);
    ck_assert_int_ne(sec_metrics_counter_add(m, "ok_name", "a=\"b\"\nevil 1", 1), APR_SUCCESS);
    ck_assert_int_ne(sec_metrics_counter_add(m, "ok_name", "a=\"b\"} evil{", 1), APR_SUCCESS);
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    ck_assert_int_ne(sec_metrics_counter_add(m, longname, NULL, 1), APR_SUCCESS);
    memset(longlabels, 'a', sizeof(longlabels) - 1);
    longlabels[sizeof(longlabels) - 1] = '\0';
    ck_assert_int_ne(sec_metrics_counter_add(m, "ok_name", longlabels, 1), APR_SUCCESS);
    ck_assert_int_ne(sec_metrics_counter_add(NULL, "ok_name", NULL, 1), APR_SUCCESS);

    text = sec_metrics_render(p, m);
    ck_assert_ptr_nonnull(text);
    has_line(text, "# TYPE secmods_denials_total counter");
    has_line(text, "secmods_denials_total{module=\"secratelimit\",reason=\"rate\"} 3");
    has_line(text, "secmods_denials_total{module=\"seccsrf\",reason=\"token\"} 5");
    has_line(text, "secmods_reloads_total 8");
    has_line(text, "ns:sub_name{a=\"b\"} 0");
    ck_assert_ptr_null(strstr(text, "ok_name"));
    ck_assert_ptr_null(strstr(text, "evil"));
    /* one TYPE line per family */
    {
        const char *s = strstr(text, "# TYPE secmods_denials_total counter");
        ck_assert_ptr_null(strstr(s + 1, "# TYPE secmods_denials_total counter"));
    }
    apr_pool_destroy(p);
    free(m);
}
END_TEST

START_TEST(counter_slots_run_out)
{
    sec_metrics_t *m = new_metrics();
    apr_pool_t *p = unit_pool();
    int i;

    for (i = 0; i < SEC_METRICS_COUNTERS; i++) {
        ck_assert_int_eq(sec_metrics_counter_add(m, "fam_total",
                                                 apr_psprintf(p, "i=\"%d\"", i), 1), APR_SUCCESS);
    }
    ck_assert_int_eq(sec_metrics_counter_add(m, "fam_total", "i=\"new\"", 1), APR_ENOSPC);
    /* existing ones still count */
    ck_assert_int_eq(sec_metrics_counter_add(m, "fam_total", "i=\"0\"", 1), APR_SUCCESS);
    has_line(sec_metrics_render(p, m), "fam_total{i=\"0\"} 2");
    has_line(sec_metrics_render(p, m), "fam_total{i=\"127\"} 1");
    apr_pool_destroy(p);
    free(m);
}
END_TEST

START_TEST(render_store_lines)
{
    sec_metrics_t *m = new_metrics();
    apr_pool_t *p = unit_pool();
    char *text;

    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_GET, APR_SUCCESS, 10);       /* <= 25us */
    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_GET, APR_NOTFOUND, 40);      /* <= 50us */
    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_GET, SEC_STORE_ETIMEOUT, 2000000); /* +Inf */
    sec_metrics_store_op(m, SEC_STORE_KIND_SHM, SEC_OP_INCR, APR_SUCCESS, 1000);    /* <= 1ms */
    sec_metrics_store_op(m, SEC_STORE_KIND_MEMCACHED, SEC_OP_SET, SEC_STORE_EUNAVAILABLE, -5);
    sec_metrics_eviction(m);
    text = sec_metrics_render(p, m);
    ck_assert_ptr_nonnull(text);

    has_line(text, "# HELP secmods_store_operations_total Store operations by store and operation.");
    has_line(text, "# TYPE secmods_store_operations_total counter");
    has_line(text, "secmods_store_operations_total{store=\"shm\",op=\"get\"} 3");
    has_line(text, "secmods_store_operations_total{store=\"shm\",op=\"incr\"} 1");
    has_line(text, "secmods_store_operations_total{store=\"shm\",op=\"set\"} 0");
    has_line(text, "secmods_store_operations_total{store=\"memcached\",op=\"set\"} 1");
    has_line(text, "# TYPE secmods_store_errors_total counter");
    has_line(text, "secmods_store_errors_total{store=\"shm\",kind=\"timeout\"} 1");
    has_line(text, "secmods_store_errors_total{store=\"shm\",kind=\"unavailable\"} 0");
    has_line(text, "secmods_store_errors_total{store=\"memcached\",kind=\"unavailable\"} 1");
    has_line(text, "# TYPE secmods_store_latency_seconds histogram");
    has_bucket(text, "shm", 25e-6, 1);
    has_bucket(text, "shm", 50e-6, 2);
    has_bucket(text, "shm", 100e-6, 2);
    has_bucket(text, "shm", 0.0005, 2);
    has_bucket(text, "shm", 0.001, 3);
    has_bucket(text, "shm", 0.1, 3);
    has_bucket(text, "shm", 1, 3);
    has_line(text, "secmods_store_latency_seconds_bucket{store=\"shm\",le=\"+Inf\"} 4");
    has_line(text, "secmods_store_latency_seconds_count{store=\"shm\"} 4");
    has_line(text, "secmods_store_latency_seconds_sum{store=\"shm\"} 2.001050");
    /* a negative latency counts as zero */
    has_bucket(text, "memcached", 25e-6, 1);
    has_line(text, "secmods_store_latency_seconds_sum{store=\"memcached\"} 0.000000");
    has_line(text, "secmods_store_latency_seconds_count{store=\"memcached\"} 1");
    has_line(text, "# TYPE secmods_store_evictions_total counter");
    has_line(text, "secmods_store_evictions_total 1");
    /* every line is a comment or "name{labels} value" / "name value" */
    {
        char *copy = apr_pstrdup(p, text), *last = NULL, *l;
        int n = 0;
        for (l = apr_strtok(copy, "\n", &last); l; l = apr_strtok(NULL, "\n", &last), n++) {
            if (l[0] == '#') {
                ck_assert_msg(!strncmp(l, "# HELP ", 7) || !strncmp(l, "# TYPE ", 7), "%s", l);
            }
            else {
                ck_assert_msg(strchr(l, ' ') != NULL && l[0] == 's', "bad line %s", l);
            }
        }
        ck_assert_int_gt(n, 40);
    }
    ck_assert_uint_eq(text[strlen(text) - 1], '\n');
    apr_pool_destroy(p);
    free(m);
}
END_TEST

Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("metrics");

    tcase_add_test(tc, names);
    tcase_add_test(tc, store_ops_and_errors);
    tcase_add_test(tc, store_outage_classification);
    tcase_add_test(tc, counter_families);
    tcase_add_test(tc, counter_slots_run_out);
    tcase_add_test(tc, render_store_lines);
    suite_add_tcase(s, tc);
    return s;
}
