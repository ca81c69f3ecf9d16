/* The memcached provider (sec_store_memcached.c): configuration parsing, and
 * the store against real memcached servers (SECMODS_MC_SERVERS) and against
 * addresses where nothing answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include "unit.h"
#include "sec_store_memcached.h"
#include "sec_parse.h"
#include "sec_crypto.h"

#define NS "t"
#define ENV_SERVERS "SECMODS_MC_SERVERS"
#define ENV_OPTOUT "SECMODS_UNIT_NO_MEMCACHED"

static int free_port(void);

/* --- configuration ------------------------------------------------------ */

static apr_status_t parse_args(apr_pool_t *p, const char *line, sec_mc_config_t **cfg,
                               const char **err)
{
    char *copy = apr_pstrdup(p, line), *last = NULL, *tok;
    apr_array_header_t *argv = apr_array_make(p, 8, sizeof(char *));

    for (tok = apr_strtok(copy, " ", &last); tok; tok = apr_strtok(NULL, " ", &last)) {
        *(char **)apr_array_push(argv) = tok;
    }
    *cfg = sec_mc_config_make(p);
    *err = NULL;
    return sec_mc_config_parse(p, argv->nelts, (char *const *)argv->elts, *cfg, err);
}

static void config_bad(apr_pool_t *p, const char *line, const char *mention)
{
    sec_mc_config_t *cfg;
    const char *err;
    apr_status_t rv = parse_args(p, line, &cfg, &err);

    ck_assert_msg(rv != APR_SUCCESS, "accepted: %s", line);
    ck_assert_msg(err != NULL && *err, "no error message for: %s", line);
    if (mention) {
        ck_assert_msg(strstr(err, mention) != NULL, "error for \"%s\" doesn't name \"%s\": %s",
                      line, mention, err);
    }
}

START_TEST(config_defaults)
{
    apr_pool_t *p = unit_pool();
    sec_mc_config_t *c = sec_mc_config_make(p);

    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(c->servers);
    ck_assert_int_eq(c->servers->nelts, 0);
    ck_assert_int_eq(c->timeout, apr_time_from_msec(100));
    ck_assert_int_eq(c->retry, apr_time_from_sec(5));
    ck_assert_int_eq(c->failure_limit, 2);
    ck_assert_int_eq(c->replicas, 0);
    ck_assert_int_eq(c->pool_max, 0);
    ck_assert_str_eq(c->prefix, "sm:");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(config_parse_valid)
{
    apr_pool_t *p = unit_pool();
    sec_mc_config_t *c;
    const char *err;
    const sec_mc_server_t *s;

    ck_assert_msg(parse_args(p, "127.0.0.1:22122 [::1]:22123 cache.example.com timeout=250ms "
                             "retry=10s failures=3 replicas=2 pool=8 prefix=app1:", &c, &err)
                  == APR_SUCCESS, "parse: %s", err);
    ck_assert_int_eq(c->servers->nelts, 3);
    s = &APR_ARRAY_IDX(c->servers, 0, sec_mc_server_t);
    ck_assert_str_eq(s->host, "127.0.0.1");
    ck_assert_uint_eq(s->port, 22122);
    s = &APR_ARRAY_IDX(c->servers, 1, sec_mc_server_t);
    ck_assert_str_eq(s->host, "::1");
    ck_assert_uint_eq(s->port, 22123);
    s = &APR_ARRAY_IDX(c->servers, 2, sec_mc_server_t);
    ck_assert_str_eq(s->host, "cache.example.com");
    ck_assert_uint_eq(s->port, 11211);
    ck_assert_int_eq(c->timeout, apr_time_from_msec(250));
    ck_assert_int_eq(c->retry, apr_time_from_sec(10));
    ck_assert_int_eq(c->failure_limit, 3);
    ck_assert_int_eq(c->replicas, 2);
    ck_assert_int_eq(c->pool_max, 8);
    ck_assert_str_eq(c->prefix, "app1:");

    /* options in any order, names case-insensitive; one server, defaults kept */
    ck_assert_msg(parse_args(p, "TIMEOUT=1s 10.0.0.1:11211", &c, &err) == APR_SUCCESS,
                  "parse: %s", err);
    ck_assert_int_eq(c->servers->nelts, 1);
    ck_assert_int_eq(c->timeout, apr_time_from_sec(1));
    ck_assert_int_eq(c->failure_limit, 2);
    ck_assert_str_eq(c->prefix, "sm:");
    /* an empty prefix is allowed */
    ck_assert_msg(parse_args(p, "10.0.0.1 prefix=", &c, &err) == APR_SUCCESS, "parse: %s", err);
    ck_assert_str_eq(c->prefix, "");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(config_parse_errors)
{
    apr_pool_t *p = unit_pool();

    config_bad(p, "127.0.0.1:99999", "127.0.0.1:99999");
    config_bad(p, "127.0.0.1:0", "127.0.0.1:0");
    config_bad(p, "127.0.0.1:11211 bad/host:1", "bad/host:1");
    config_bad(p, "::1", "::1");
    config_bad(p, "127.0.0.1 color=blue", "color=blue");
    config_bad(p, "127.0.0.1 replicas=1", "replicas=1");
    config_bad(p, "127.0.0.1 127.0.0.2 replicas=2", "replicas=2");
    config_bad(p, "127.0.0.1 replicas=5", "replicas=5");
    config_bad(p, "127.0.0.1 replicas=-1", "replicas=-1");
    config_bad(p, "", NULL);
    config_bad(p, "timeout=100ms", NULL);
    config_bad(p, "127.0.0.1 timeout=0", "timeout=0");
    config_bad(p, "127.0.0.1 timeout=11s", "timeout=11s");
    config_bad(p, "127.0.0.1 timeout=abc", "timeout=abc");
    config_bad(p, "127.0.0.1 timeout=-5ms", "timeout=-5ms");
    config_bad(p, "127.0.0.1 retry=500ms", "retry=500ms");
    config_bad(p, "127.0.0.1 retry=2h", "retry=2h");
    config_bad(p, "127.0.0.1 failures=0", "failures=0");
    config_bad(p, "127.0.0.1 failures=101", "failures=101");
    config_bad(p, "127.0.0.1 failures=3x", "failures=3x");
    config_bad(p, "127.0.0.1 failures=", "failures=");
    config_bad(p, "127.0.0.1 failures=+3", "failures=+3");
    config_bad(p, "127.0.0.1 pool=0", "pool=0");
    config_bad(p, "127.0.0.1 pool=1025", "pool=1025");
    config_bad(p, "127.0.0.1 prefix=01234567890123456789012345678901234567890",
               "prefix=01234567890123456789012345678901234567890");
    {
        sec_mc_config_t *cfg = sec_mc_config_make(p);
        char *argv[2];
        const char *err = NULL;
        argv[0] = apr_pstrdup(p, "127.0.0.1");
        argv[1] = apr_pstrdup(p, "prefix=a\tb");
        ck_assert_int_ne(sec_mc_config_parse(p, 2, argv, cfg, &err), APR_SUCCESS);
        ck_assert_msg(err && strstr(err, "prefix="), "err: %s", err ? err : "(null)");
        argv[1] = apr_pstrdup(p, "prefix=caf\xc3\xa9");
        cfg = sec_mc_config_make(p);
        err = NULL;
        ck_assert_int_ne(sec_mc_config_parse(p, 2, argv, cfg, &err), APR_SUCCESS);
        ck_assert_ptr_nonnull(err);
        cfg = sec_mc_config_make(p);
        err = NULL;
        ck_assert_int_ne(sec_mc_config_parse(p, 0, argv, cfg, &err), APR_SUCCESS);
        ck_assert_ptr_nonnull(err);
    }
    apr_pool_destroy(p);
}
END_TEST

/* --- helpers for live servers ------------------------------------------- */

typedef struct {
    apr_pool_t *p;
    sec_mc_config_t *cfg;
    sec_store_t *st;
    sec_metrics_t *metrics;
    const char *run;        /* unique per test: keys of old runs don't interfere */
} mc_fixture_t;

static const char *servers_env(void)
{
    const char *v = getenv(ENV_SERVERS);

    if (!v || !*v) {
        ck_abort_msg(ENV_SERVERS " is not set: the memcached tests need two running memcached "
                     "servers, e.g. " ENV_SERVERS "=127.0.0.1:22122,127.0.0.1:22123 "
                     "(set " ENV_OPTOUT "=1 to skip them explicitly)");
    }
    return v;
}

static mc_fixture_t mc_open(const char *servers_csv, const char *extra_opts)
{
    mc_fixture_t f;
    const char *err = NULL;
    char *line;
    apr_status_t rv;
    unsigned char r[6];

    f.p = unit_pool();
    line = apr_pstrcat(f.p, servers_csv, " ", extra_opts ? extra_opts : "", NULL);
    for (char *c = line; *c; c++) {
        if (*c == ',') *c = ' ';
    }
    rv = parse_args(f.p, line, &f.cfg, &err);
    ck_assert_msg(rv == APR_SUCCESS, "config \"%s\": %s", line, err ? err : "?");
    f.st = NULL;
    rv = sec_store_memcached_make(f.p, f.cfg, &f.st);
    ck_assert_msg(rv == APR_SUCCESS, "sec_store_memcached_make: %d", rv);
    ck_assert_ptr_nonnull(f.st);
    ck_assert_str_eq(f.st->name, "memcached");
    ck_assert_int_eq(f.st->kind, SEC_STORE_KIND_MEMCACHED);
    f.metrics = apr_pcalloc(f.p, sec_metrics_size());
    sec_metrics_init(f.metrics);
    f.st->metrics = f.metrics;
    ck_assert_int_eq(sec_random_bytes(r, sizeof(r)), APR_SUCCESS);
    f.run = sec_hex(f.p, r, sizeof(r));
    return f;
}

static const char *rk(mc_fixture_t *f, const char *name)
{
    return apr_pstrcat(f->p, f->run, "-", name, NULL);
}

/* Connects to host:port (text) with a 2 s timeout; -1 on failure. */
static int tcp_connect(const char *hostport)
{
    apr_pool_t *p = unit_pool();
    char *host = NULL, portbuf[8];
    apr_port_t port = 0;
    struct addrinfo hints, *res = NULL, *ai;
    struct timeval tv = {2, 0};
    int fd = -1;

    ck_assert_int_eq(sec_parse_hostport(p, hostport, 11211, &host, &port), APR_SUCCESS);
    snprintf(portbuf, sizeof(portbuf), "%u", (unsigned)port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, portbuf, &hints, &res) == 0) {
        for (ai = res; ai && fd < 0; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
            if (fd < 0) continue;
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
            if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
                close(fd);
                fd = -1;
            }
        }
        freeaddrinfo(res);
    }
    apr_pool_destroy(p);
    return fd;
}

/* One "STAT name value" of the text protocol's "stats" on hostport. */
static long long raw_stat(const char *hostport, const char *name)
{
    char buf[16384], want[64];
    size_t n = 0;
    int fd = tcp_connect(hostport);
    const char *s;

    ck_assert_msg(fd >= 0, "cannot connect to memcached at %s", hostport);
    ck_assert_int_eq((int)write(fd, "stats\r\n", 7), 7);
    while (n < sizeof(buf) - 1) {
        ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "\r\nEND\r\n")) break;
    }
    buf[n] = '\0';
    close(fd);
    snprintf(want, sizeof(want), "STAT %s ", name);
    s = strstr(buf, want);
    ck_assert_msg(s != NULL, "no %s in stats of %s", name, hostport);
    return atoll(s + strlen(want));
}

/* 1 when the server holds key (the full key the server sees, prefix included),
 * asked over the text protocol. */
static int raw_has_key(const char *hostport, const char *key)
{
    char buf[4096], cmd[300];
    size_t n = 0;
    int fd = tcp_connect(hostport), found;

    ck_assert_msg(fd >= 0, "cannot connect to memcached at %s", hostport);
    ck_assert_uint_lt(strlen(key), 260);
    snprintf(cmd, sizeof(cmd), "get %s\r\n", key);
    ck_assert_int_eq((int)write(fd, cmd, strlen(cmd)), (int)strlen(cmd));
    while (n < sizeof(buf) - 1) {
        ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "END\r\n")) break;
    }
    buf[n] = '\0';
    close(fd);
    found = !strncmp(buf, "VALUE ", 6);
    ck_assert_msg(found || !strncmp(buf, "END\r\n", 5), "unexpected answer from %s: %.60s",
                  hostport, buf);
    return found;
}

/* The servers of SECMODS_MC_SERVERS as separate strings. */
static apr_array_header_t *server_list(apr_pool_t *p, const char *csv)
{
    char *copy = apr_pstrdup(p, csv), *last = NULL, *tok;
    apr_array_header_t *a = apr_array_make(p, 2, sizeof(char *));

    for (tok = apr_strtok(copy, ", ", &last); tok; tok = apr_strtok(NULL, ", ", &last)) {
        *(char **)apr_array_push(a) = tok;
    }
    return a;
}

static void mc_expect(mc_fixture_t *f, const char *key, const void *want, apr_size_t wlen)
{
    char *val = NULL;
    apr_size_t len = 0;
    apr_status_t rv = sec_store_get(f->st, f->p, NS, key, &val, &len);

    ck_assert_msg(rv == APR_SUCCESS, "get %s: %s", key, sec_store_strerror(f->p, rv));
    ck_assert_uint_eq(len, wlen);
    ck_assert_msg(memcmp(val, want, wlen) == 0, "value of %s differs", key);
}

static void mc_expect_missing(mc_fixture_t *f, const char *key)
{
    char *val = NULL;
    apr_size_t len = 0;
    apr_status_t rv = sec_store_get(f->st, f->p, NS, key, &val, &len);

    ck_assert_msg(rv == APR_NOTFOUND, "get %s: want not found, got %s", key,
                  sec_store_strerror(f->p, rv));
}

/* --- live tests ----------------------------------------------------------- */

START_TEST(servers_missing)
{
    (void)servers_env();   /* fails with the explanation */
}
END_TEST

START_TEST(live_basic_ops)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=100ms");
    apr_uint64_t n = 0;
    const char *k = rk(&f, "k1"), *c = rk(&f, "ctr");

    mc_expect_missing(&f, k);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, k, "hello", 5, 60), APR_SUCCESS);
    mc_expect(&f, k, "hello", 5);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, k, "bye", 3, 60), APR_SUCCESS);
    mc_expect(&f, k, "bye", 3);
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, k, "nope", 4, 60), SEC_STORE_EEXISTS);
    mc_expect(&f, k, "bye", 3);
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, k), APR_SUCCESS);
    mc_expect_missing(&f, k);
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, k), APR_NOTFOUND);
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, k, "added", 5, 60), APR_SUCCESS);
    mc_expect(&f, k, "added", 5);
    /* binary value with NULs, and an empty one */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "bin"), "a\0b\0c", 5, 60), APR_SUCCESS);
    mc_expect(&f, rk(&f, "bin"), "a\0b\0c", 5);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "empty"), "", 0, 60), APR_SUCCESS);
    mc_expect(&f, rk(&f, "empty"), "", 0);

    /* increment with initial value: 5, then 6 */
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, c, 5, 60, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, c, 1, 60, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 6);
    mc_expect(&f, c, "6", 1);
    ck_assert_int_eq(sec_store_add(f.st, f.p, NS, c, "x", 1, 60), SEC_STORE_EEXISTS);
    /* a text number set before can be incremented; a word can't (an error, not a miss) */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "txt"), "41", 2, 60), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, rk(&f, "txt"), 1, 60, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 42);
    /* the wrappers counted */
    ck_assert_uint_ge(sec_metrics_store_ops(f.metrics, SEC_STORE_KIND_MEMCACHED, SEC_OP_GET), 8);
    ck_assert_uint_eq(sec_metrics_store_ops(f.metrics, SEC_STORE_KIND_MEMCACHED, SEC_OP_INCR), 3);
    ck_assert_uint_eq(sec_metrics_store_errors(f.metrics, SEC_STORE_KIND_MEMCACHED,
                                               SEC_ERRK_UNAVAILABLE), 0);
    ck_assert_uint_eq(sec_metrics_store_errors(f.metrics, SEC_STORE_KIND_MEMCACHED,
                                               SEC_ERRK_TIMEOUT), 0);
    apr_pool_destroy(f.p);
}
END_TEST

/* incr of a value that isn't a number: the server answered, so this is not
 * "store unavailable"; the shm provider says SEC_STORE_EPROTOCOL, and so
 * should memcached (status contract, and the metrics' error kind). */
START_TEST(live_incr_non_numeric)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=100ms");
    apr_uint64_t n = 0;
    apr_status_t rv;

    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "word"), "abc", 3, 60), APR_SUCCESS);
    rv = sec_store_incr(f.st, f.p, NS, rk(&f, "word"), 1, 60, &n);
    ck_assert_msg(rv != APR_SUCCESS && rv != APR_NOTFOUND, "incr of a non-number: %s",
                  sec_store_strerror(f.p, rv));
    mc_expect(&f, rk(&f, "word"), "abc", 3);
    ck_assert_msg(rv == SEC_STORE_EPROTOCOL, "incr of a non-number returned %d (%s), want "
                  "SEC_STORE_EPROTOCOL (%d) as the shm store does", rv,
                  sec_store_strerror(f.p, rv), SEC_STORE_EPROTOCOL);
    ck_assert_uint_eq(sec_metrics_store_errors(f.metrics, SEC_STORE_KIND_MEMCACHED,
                                               SEC_ERRK_UNAVAILABLE), 0);
    /* and the server is still in use afterwards */
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, rk(&f, "num"), 2, 60, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 2);
    apr_pool_destroy(f.p);
}
END_TEST

/* decr as the shm store does it: stops at 0, a missing key stays missing,
 * a word is refused as an error. */
START_TEST(live_decr)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=100ms");
    apr_uint64_t n = 0;
    const char *c = rk(&f, "dctr");

    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, c, 6, 60, &n), APR_SUCCESS);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, c, 2, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 4);
    mc_expect(&f, c, "4", 1);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, c, 10, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, c, 3, 60, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, rk(&f, "dnone"), 1, &n), APR_NOTFOUND);
    mc_expect_missing(&f, rk(&f, "dnone"));
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "dword"), "abc", 3, 60), APR_SUCCESS);
    ck_assert_int_eq(sec_store_decr(f.st, f.p, NS, rk(&f, "dword"), 1, &n), SEC_STORE_EPROTOCOL);
    ck_assert_uint_eq(sec_metrics_store_errors(f.metrics, SEC_STORE_KIND_MEMCACHED,
                                               SEC_ERRK_UNAVAILABLE), 0);
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(live_distribution)
{
    const char *csv = servers_env();
    mc_fixture_t f = mc_open(csv, "timeout=100ms");
    apr_array_header_t *servers = server_list(f.p, csv);
    long long before[8], after, curr;
    apr_uint64_t n;
    int i;

    ck_assert_msg(servers->nelts >= 2 && servers->nelts <= 8,
                  ENV_SERVERS " must name 2 servers (has %d)", servers->nelts);
    for (i = 0; i < servers->nelts; i++) {
        before[i] = raw_stat(APR_ARRAY_IDX(servers, i, char *), "total_items");
    }
    for (i = 0; i < 200; i++) {
        const char *k = rk(&f, apr_psprintf(f.p, "spread-%d", i));
        ck_assert_int_eq(sec_store_set(f.st, f.p, NS, k, "v", 1, 120), APR_SUCCESS);
    }
    for (i = 0; i < 60; i++) {
        const char *k = rk(&f, apr_psprintf(f.p, "count-%d", i));
        ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, k, 5, 120, &n), APR_SUCCESS);
        ck_assert_uint_eq(n, 5);
        ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, k, 1, 120, &n), APR_SUCCESS);
        ck_assert_uint_eq(n, 6);
    }
    for (i = 0; i < 200; i++) {
        mc_expect(&f, rk(&f, apr_psprintf(f.p, "spread-%d", i)), "v", 1);
    }
    for (i = 0; i < 60; i++) {
        mc_expect(&f, rk(&f, apr_psprintf(f.p, "count-%d", i)), "6", 1);
    }
    /* consistent hashing put keys on every server */
    for (i = 0; i < servers->nelts; i++) {
        const char *hp = APR_ARRAY_IDX(servers, i, char *);
        after = raw_stat(hp, "total_items");
        curr = raw_stat(hp, "curr_items");
        ck_assert_msg(curr > 0, "server %s holds no items", hp);
        ck_assert_msg(after - before[i] >= 20, "server %s got only %lld of 260 new items", hp,
                      after - before[i]);
    }
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(live_ttl)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=100ms");
    apr_time_t deadline;
    apr_status_t rv = APR_SUCCESS, rv2 = APR_SUCCESS;
    apr_uint64_t n;
    char *val;
    apr_size_t len;

    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "short"), "v", 1, 1), APR_SUCCESS);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, rk(&f, "short-ctr"), 3, 1, &n), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "long"), "v", 1, 3600), APR_SUCCESS);
    mc_expect(&f, rk(&f, "short"), "v", 1);
    /* memcached's clock ticks once a second: expiry takes 1-2 s (each key
     * may have been written in a different second of the server's clock) */
    deadline = apr_time_now() + apr_time_from_msec(3000);
    while (apr_time_now() < deadline) {
        rv = sec_store_get(f.st, f.p, NS, rk(&f, "short"), &val, &len);
        rv2 = sec_store_get(f.st, f.p, NS, rk(&f, "short-ctr"), &val, &len);
        if (rv != APR_SUCCESS && rv2 != APR_SUCCESS) break;
        apr_sleep(apr_time_from_msec(100));
    }
    ck_assert_msg(rv == APR_NOTFOUND, "ttl=1 key after 3 s: %s", sec_store_strerror(f.p, rv));
    ck_assert_msg(rv2 == APR_NOTFOUND, "ttl=1 counter after 3 s: %s",
                  sec_store_strerror(f.p, rv2));
    mc_expect(&f, rk(&f, "long"), "v", 1);
    apr_pool_destroy(f.p);
}
END_TEST

/* Over 30 days memcached reads an expiry as a unix time; the provider
 * converts. Any apr_uint32_t ttl must leave the entry readable. */
START_TEST(live_ttl_long)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=100ms");
    apr_uint64_t n = 0;

    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "d29"), "v", 1, 29 * 86400), APR_SUCCESS);
    mc_expect(&f, rk(&f, "d29"), "v", 1);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "d31"), "v", 1, 31 * 86400), APR_SUCCESS);
    mc_expect(&f, rk(&f, "d31"), "v", 1);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, rk(&f, "c31"), 4, 31 * 86400, &n), APR_SUCCESS);
    mc_expect(&f, rk(&f, "c31"), "4", 1);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "max"), "v", 1, 0xffffffffu),
                     APR_SUCCESS);
    mc_expect(&f, rk(&f, "max"), "v", 1);
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(live_long_keys)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=100ms");
    char base[301];
    const char *k1, *k2;
    apr_uint64_t n = 0;

    memset(base, 'k', 300);
    base[300] = '\0';
    k1 = rk(&f, base);
    base[299] = 'K';
    k2 = rk(&f, base);
    ck_assert_uint_gt(strlen(k1), 250);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, k1, "one", 3, 60), APR_SUCCESS);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, k2, "two", 3, 60), APR_SUCCESS);
    mc_expect(&f, k1, "one", 3);
    mc_expect(&f, k2, "two", 3);
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, apr_pstrcat(f.p, k1, "-ctr", NULL), 2, 60, &n),
                     APR_SUCCESS);
    ck_assert_uint_eq(n, 2);
    /* keys with spaces and newlines are fine too (hashed) */
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "user name\r\nx"), "s", 1, 60),
                     APR_SUCCESS);
    mc_expect(&f, rk(&f, "user name\r\nx"), "s", 1);
    ck_assert_int_eq(sec_store_del(f.st, f.p, NS, k1), APR_SUCCESS);
    mc_expect_missing(&f, k1);
    mc_expect(&f, k2, "two", 3);
    apr_pool_destroy(f.p);
}
END_TEST

/* The longest prefix the configuration allows with the longest plain key:
 * 40 + 200 bytes, within memcached's 250. */
START_TEST(live_longest_prefix_and_key)
{
    const char *prefix = "p123456789012345678901234567890123456789";   /* 40 */
    mc_fixture_t f;
    char key[199], opts[80];
    const char *k;

    ck_assert_uint_eq(strlen(prefix), 40);
    snprintf(opts, sizeof(opts), "timeout=100ms prefix=%s", prefix);
    f = mc_open(servers_env(), opts);
    memcpy(key, f.run, 12);
    memset(key + 12, 'L', sizeof(key) - 13);
    key[sizeof(key) - 1] = '\0';
    k = sec_store_key(f.p, NS, key);
    ck_assert_uint_eq(strlen(k), SEC_STORE_KEY_MAX);     /* plain, not hashed */
    ck_assert_int_eq(k[2], key[0]);
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, key, "x", 1, 60), APR_SUCCESS);
    mc_expect(&f, key, "x", 1);
    apr_pool_destroy(f.p);
}
END_TEST

/* A value over memcached's item size limit (1 MiB by default) is "too big",
 * and the connection is still good afterwards. */
START_TEST(live_too_big)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=500ms");
    apr_size_t n = 2 * 1024 * 1024;
    char *big = calloc(1, n);
    apr_status_t rv;

    ck_assert_ptr_nonnull(big);
    rv = sec_store_set(f.st, f.p, NS, rk(&f, "big"), big, n, 60);
    ck_assert_msg(rv == SEC_STORE_ETOOBIG, "set of 2 MiB: %d (%s)", rv,
                  sec_store_strerror(f.p, rv));
    mc_expect_missing(&f, rk(&f, "big"));
    ck_assert_int_eq(sec_store_set(f.st, f.p, NS, rk(&f, "after"), "ok", 2, 60), APR_SUCCESS);
    mc_expect(&f, rk(&f, "after"), "ok", 2);
    ck_assert_uint_eq(sec_metrics_store_errors(f.metrics, SEC_STORE_KIND_MEMCACHED,
                                               SEC_ERRK_TOOBIG), 1);
    free(big);
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(live_status)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=100ms");
    json_t *j = NULL, *servers;
    size_t i;

    ck_assert_int_eq(f.st->status(f.st, f.p, &j), APR_SUCCESS);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "kind")), "memcached");
    ck_assert(json_is_true(json_object_get(j, "reachable")));
    ck_assert(json_is_false(json_object_get(j, "degraded")));
    servers = json_object_get(j, "servers");
    ck_assert(json_is_array(servers));
    ck_assert_int_eq((int)json_array_size(servers), f.cfg->servers->nelts);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "serversUp")), f.cfg->servers->nelts);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "serversTotal")), f.cfg->servers->nelts);
    for (i = 0; i < json_array_size(servers); i++) {
        ck_assert(json_is_true(json_object_get(json_array_get(servers, i), "up")));
    }
    json_decref(j);
    apr_pool_destroy(f.p);
}
END_TEST

typedef struct {
    sec_store_t *st;
    apr_pool_t *p;
    const char *key;
    int failures;
    apr_status_t first_error;
} mc_worker_t;

#define MC_THREADS 4
#define MC_THREAD_INCRS 250

static void *APR_THREAD_FUNC mc_incr_thread(apr_thread_t *t, void *data)
{
    mc_worker_t *w = data;
    int j;

    for (j = 0; j < MC_THREAD_INCRS; j++) {
        apr_uint64_t out = 0;
        apr_status_t rv = sec_store_incr(w->st, w->p, NS, w->key, 1, 60, &out);
        if (rv != APR_SUCCESS || out == 0) {
            if (!w->failures++) {
                w->first_error = rv;
            }
        }
    }
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

/* Threads of one process share the store (a pool of connections). */
START_TEST(live_threads)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=100ms pool=4");
    apr_thread_t *th[MC_THREADS];
    mc_worker_t w[MC_THREADS];
    const char *key = rk(&f, "threads");
    apr_uint64_t n = 0;
    int i;

    for (i = 0; i < MC_THREADS; i++) {
        w[i].st = f.st;
        w[i].key = key;
        w[i].failures = 0;
        w[i].first_error = APR_SUCCESS;
        ck_assert_int_eq(apr_pool_create(&w[i].p, NULL), APR_SUCCESS);
    }
    for (i = 0; i < MC_THREADS; i++) {
        ck_assert_int_eq(apr_thread_create(&th[i], NULL, mc_incr_thread, &w[i], f.p), APR_SUCCESS);
    }
    for (i = 0; i < MC_THREADS; i++) {
        apr_status_t trv;
        ck_assert_int_eq(apr_thread_join(&trv, th[i]), APR_SUCCESS);
        ck_assert_msg(w[i].failures == 0, "thread %d: %d failed increments, the first: %s", i,
                      w[i].failures, sec_store_strerror(f.p, w[i].first_error));
        apr_pool_destroy(w[i].p);
    }
    ck_assert_int_eq(sec_store_incr(f.st, f.p, NS, key, 0, 60, &n), APR_SUCCESS);
    ck_assert_uint_eq(n, MC_THREADS * MC_THREAD_INCRS);
    apr_pool_destroy(f.p);
}
END_TEST

#define RACE_KEYS 1000

typedef struct {
    sec_store_t *st;
    apr_pool_t *p;
    const char *run;
    pthread_barrier_t *barrier;   /* all threads go for key j together */
    int failures;
    apr_status_t first_error;
} race_worker_t;

static void *APR_THREAD_FUNC race_thread(apr_thread_t *t, void *data)
{
    race_worker_t *w = data;
    int j;

    for (j = 0; j < RACE_KEYS; j++) {
        apr_uint64_t out = 0;
        apr_status_t rv;
        pthread_barrier_wait(w->barrier);
        rv = sec_store_incr(w->st, w->p, NS, apr_psprintf(w->p, "%s-race-%d", w->run,
                                         j), 1, 60, &out);
        if (rv != APR_SUCCESS || out == 0 || out > MC_THREADS) {
            if (!w->failures++) {
                w->first_error = rv;
            }
        }
    }
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

/* Several clients increment the same new keys at the same moment (what
 * prefork children do with a rate-limit counter): the first increment of a
 * key creates it, and every one of them must count. */
START_TEST(live_concurrent_create)
{
    mc_fixture_t f = mc_open(servers_env(), "timeout=500ms pool=4");
    apr_thread_t *th[MC_THREADS];
    race_worker_t w[MC_THREADS];
    pthread_barrier_t barrier;
    int i, wrong = 0;

    ck_assert_int_eq(pthread_barrier_init(&barrier, NULL, MC_THREADS), 0);
    for (i = 0; i < MC_THREADS; i++) {
        w[i].st = f.st;
        w[i].run = f.run;
        w[i].barrier = &barrier;
        w[i].failures = 0;
        w[i].first_error = APR_SUCCESS;
        ck_assert_int_eq(apr_pool_create(&w[i].p, NULL), APR_SUCCESS);
    }
    for (i = 0; i < MC_THREADS; i++) {
        ck_assert_int_eq(apr_thread_create(&th[i], NULL, race_thread, &w[i], f.p), APR_SUCCESS);
    }
    for (i = 0; i < MC_THREADS; i++) {
        apr_status_t trv;
        ck_assert_int_eq(apr_thread_join(&trv, th[i]), APR_SUCCESS);
    }
    pthread_barrier_destroy(&barrier);
    for (i = 0; i < MC_THREADS; i++) {
        ck_assert_msg(w[i].failures == 0, "thread %d: %d of %d increments failed, the first "
                      "with \"%s\" (%d)", i, w[i].failures, RACE_KEYS,
                      sec_store_strerror(f.p, w[i].first_error), w[i].first_error);
        apr_pool_destroy(w[i].p);
    }
    for (i = 0; i < RACE_KEYS; i++) {
        char *val;
        apr_size_t len;
        if (sec_store_get(f.st, f.p, NS, apr_psprintf(f.p, "%s-race-%d", f.run, i), &val, &len)
            != APR_SUCCESS || strcmp(val, "4")) {
            wrong++;
        }
    }
    ck_assert_msg(wrong == 0, "%d of %d counters are not 4", wrong, RACE_KEYS);
    apr_pool_destroy(f.p);
}
END_TEST

/* replicas=1: "extra copies of every write". Every key written must be on
 * both servers once the write has returned. */
START_TEST(live_replicas)
{
    const char *csv = servers_env();
    apr_pool_t *tp = unit_pool();
    apr_array_header_t *servers = server_list(tp, csv);
    unsigned char r[4];
    const char *prefix;
    mc_fixture_t f;
    int i, j, missing = 0;

    ck_assert_int_eq(sec_random_bytes(r, sizeof(r)), APR_SUCCESS);
    prefix = apr_pstrcat(tp, "rp", sec_hex(tp, r, sizeof(r)), ":", NULL);
    f = mc_open(csv, apr_pstrcat(tp, "timeout=100ms replicas=1 prefix=", prefix, NULL));
    ck_assert_int_eq(servers->nelts, 2);
    for (i = 0; i < 10; i++) {
        ck_assert_int_eq(sec_store_set(f.st, f.p, NS, apr_psprintf(f.p, "rep-%d", i), "v", 1, 60),
                         APR_SUCCESS);
    }
    for (i = 0; i < 10; i++) {
        const char *full = apr_pstrcat(tp, prefix, sec_store_key(tp, NS,
                                       apr_psprintf(tp, "rep-%d", i)), NULL);
        /* asked straight away: no further store operation in between that
         * would push along anything the client still buffers */
        for (j = 0; j < servers->nelts; j++) {
            if (!raw_has_key(APR_ARRAY_IDX(servers, j, char *), full)) {
                missing++;
                fprintf(stderr, "live_replicas: rep-%d is not on %s\n", i,
                        APR_ARRAY_IDX(servers, j, char *));
            }
        }
    }
    for (i = 0; i < 10; i++) {
        mc_expect(&f, apr_psprintf(f.p, "rep-%d", i), "v", 1);
    }
    ck_assert_msg(missing == 0, "replicas=1: %d of 10 acknowledged writes have no copy on "
                  "the second server", missing);
    apr_pool_destroy(f.p);
    apr_pool_destroy(tp);
}
END_TEST

/* One live server and one dead one: each operation either works or reports
 * an outage; a key on the dead server is never reported as a miss. */
START_TEST(live_partial_outage)
{
    const char *csv = servers_env();
    apr_pool_t *tp = unit_pool();
    apr_array_header_t *servers = server_list(tp, csv);
    mc_fixture_t f;
    int i, ok = 0, down = 0, round;
    char *val;
    apr_size_t len;
    apr_uint64_t n;

    f = mc_open(apr_psprintf(tp, "%s,127.0.0.1:%d", APR_ARRAY_IDX(servers, 0, char *),
                             free_port()), "timeout=100ms");
    for (round = 0; round < 2; round++) {
        for (i = 0; i < 40; i++) {
            const char *k = rk(&f, apr_psprintf(f.p, "po-%d", i));
            apr_status_t rs = sec_store_set(f.st, f.p, NS, k, "v", 1, 60);
            apr_status_t rg = sec_store_get(f.st, f.p, NS, k, &val, &len);
            apr_status_t ri = sec_store_incr(f.st, f.p, NS, apr_pstrcat(f.p, k, "c", NULL), 1, 60,
                                             &n);
            ck_assert_msg(rg != APR_NOTFOUND, "key %d: set %d, then get reported a miss", i, rs);
            ck_assert_msg(ri == APR_SUCCESS || sec_store_is_outage(ri), "incr: %d", ri);
            if (rs == APR_SUCCESS) {
                ck_assert_int_eq(rg, APR_SUCCESS);
                ck_assert_uint_eq(len, 1);
                ok++;
            }
            else {
                ck_assert_msg(sec_store_is_outage(rs), "set: %d", rs);
                ck_assert_msg(sec_store_is_outage(rg), "get: %d", rg);
                down++;
            }
        }
    }
    ck_assert_int_gt(ok, 0);
    ck_assert_int_gt(down, 0);
    /* the health document shows one node down */
    {
        json_t *j = NULL, *srv;
        ck_assert_int_eq(f.st->status(f.st, f.p, &j), APR_SUCCESS);
        ck_assert_ptr_nonnull(j);
        ck_assert(json_is_true(json_object_get(j, "degraded")));
        ck_assert_int_eq(json_integer_value(json_object_get(j, "serversUp")), 1);
        ck_assert_int_eq(json_integer_value(json_object_get(j, "serversTotal")), 2);
        srv = json_object_get(j, "servers");
        ck_assert(json_is_true(json_object_get(json_array_get(srv, 0), "up")));
        ck_assert(json_is_false(json_object_get(json_array_get(srv, 1), "up")));
        json_decref(j);
    }
    apr_pool_destroy(f.p);
    apr_pool_destroy(tp);
}
END_TEST

/* --- outages ---------------------------------------------------------------- */

/* A loopback port where nothing listens: bound, then closed. */
static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    ck_assert_int_ge(fd, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* A listener that accepts connections (the kernel does) but never answers. */
static int blackhole(int *port)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(fd, 16), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void expect_outage(apr_pool_t *p, const char *what, apr_status_t rv)
{
    ck_assert_msg(rv != APR_NOTFOUND, "%s during an outage returned APR_NOTFOUND (a miss)", what);
    ck_assert_msg(sec_store_is_outage(rv), "%s during an outage returned %d (%s), not an outage",
                  what, rv, sec_store_strerror(p, rv));
}

static void outage_round(mc_fixture_t *f)
{
    char *val = NULL;
    apr_size_t len = 0;
    apr_uint64_t n = 0;
    int round;

    for (round = 0; round < 4; round++) {   /* before and after the server is marked dead */
        expect_outage(f->p, "get", sec_store_get(f->st, f->p, NS, "k", &val, &len));
        expect_outage(f->p, "set", sec_store_set(f->st, f->p, NS, "k", "v", 1, 60));
        expect_outage(f->p, "add", sec_store_add(f->st, f->p, NS, "k", "v", 1, 60));
        expect_outage(f->p, "incr", sec_store_incr(f->st, f->p, NS, "k", 1, 60, &n));
        expect_outage(f->p, "del", sec_store_del(f->st, f->p, NS, "k"));
    }
}

START_TEST(outage_nothing_listening)
{
    char servers[64];
    mc_fixture_t f;
    apr_time_t t0;
    json_t *j = NULL, *srv;

    snprintf(servers, sizeof(servers), "127.0.0.1:%d", free_port());
    f = mc_open(servers, "timeout=100ms");
    t0 = apr_time_now();

    outage_round(&f);
    ck_assert_msg(apr_time_now() - t0 < apr_time_from_sec(5), "outage answers took %" APR_TIME_T_FMT
                  " ms", apr_time_as_msec(apr_time_now() - t0));
    ck_assert_uint_eq(sec_metrics_store_errors(f.metrics, SEC_STORE_KIND_MEMCACHED,
                                               SEC_ERRK_UNAVAILABLE) +
                      sec_metrics_store_errors(f.metrics, SEC_STORE_KIND_MEMCACHED,
                                               SEC_ERRK_TIMEOUT), 20);

    ck_assert_int_eq(f.st->status(f.st, f.p, &j), APR_SUCCESS);
    ck_assert_ptr_nonnull(j);
    ck_assert(json_is_false(json_object_get(j, "reachable")));
    ck_assert(json_is_true(json_object_get(j, "degraded")));
    ck_assert_int_eq(json_integer_value(json_object_get(j, "serversUp")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "serversTotal")), 1);
    srv = json_array_get(json_object_get(j, "servers"), 0);
    ck_assert_ptr_nonnull(srv);
    ck_assert(json_is_false(json_object_get(srv, "up")));
    ck_assert_str_eq(json_string_value(json_object_get(srv, "host")), "127.0.0.1");
    ck_assert(json_is_string(json_object_get(j, "error")));
    json_decref(j);
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(outage_two_dead_servers)
{
    char servers[64];
    mc_fixture_t f;
    json_t *j = NULL;
    size_t i;

    snprintf(servers, sizeof(servers), "127.0.0.1:%d,127.0.0.1:%d", free_port(), free_port());
    f = mc_open(servers, "timeout=100ms failures=1 retry=1s");

    outage_round(&f);
    ck_assert_int_eq(f.st->status(f.st, f.p, &j), APR_SUCCESS);
    ck_assert(json_is_false(json_object_get(j, "reachable")));
    ck_assert_int_eq(json_integer_value(json_object_get(j, "serversUp")), 0);
    for (i = 0; i < json_array_size(json_object_get(j, "servers")); i++) {
        ck_assert(json_is_false(json_object_get(json_array_get(json_object_get(j, "servers"), i),
                                                "up")));
    }
    json_decref(j);
    apr_pool_destroy(f.p);
}
END_TEST

START_TEST(outage_server_never_answers)
{
    int port, lfd = blackhole(&port);
    char servers[64];
    mc_fixture_t f;
    apr_time_t t0;
    char *val;
    apr_size_t len;
    apr_uint64_t n;

    snprintf(servers, sizeof(servers), "127.0.0.1:%d", port);
    f = mc_open(servers, "timeout=100ms");
    t0 = apr_time_now();
    expect_outage(f.p, "get", sec_store_get(f.st, f.p, NS, "k", &val, &len));
    expect_outage(f.p, "set", sec_store_set(f.st, f.p, NS, "k", "v", 1, 60));
    expect_outage(f.p, "incr", sec_store_incr(f.st, f.p, NS, "k", 1, 60, &n));
    expect_outage(f.p, "get", sec_store_get(f.st, f.p, NS, "k", &val, &len));
    /* short timeouts: four operations well under 4 s */
    ck_assert_msg(apr_time_now() - t0 < apr_time_from_sec(4), "took %" APR_TIME_T_FMT " ms",
                  apr_time_as_msec(apr_time_now() - t0));
    close(lfd);
    apr_pool_destroy(f.p);
}
END_TEST

Suite *store_memcached_suite(void)
{
    Suite *s = suite_create("store_memcached");
    TCase *tc = tcase_create("config");
    const char *optout = getenv(ENV_OPTOUT);
    const char *servers = getenv(ENV_SERVERS);

    tcase_add_test(tc, config_defaults);
    tcase_add_test(tc, config_parse_valid);
    tcase_add_test(tc, config_parse_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("outage");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, outage_nothing_listening);
    tcase_add_test(tc, outage_two_dead_servers);
    tcase_add_test(tc, outage_server_never_answers);
    suite_add_tcase(s, tc);

    if (optout && *optout && strcmp(optout, "0")) {
        fprintf(stderr,
                "\n"
                "************************************************************************\n"
                "*** " ENV_OPTOUT " is set: the tests against real memcached\n"
                "*** servers are NOT RUN. The memcached store is only partly tested.\n"
                "************************************************************************\n\n");
        return s;
    }
    tc = tcase_create("live");
    tcase_set_timeout(tc, 20);
    if (!servers || !*servers) {
        /* one clear failure instead of every live test failing alike */
        tcase_add_test(tc, servers_missing);
    }
    else {
        tcase_add_test(tc, live_basic_ops);
        tcase_add_test(tc, live_incr_non_numeric);
        tcase_add_test(tc, live_decr);
        tcase_add_test(tc, live_distribution);
        tcase_add_test(tc, live_ttl);
        tcase_add_test(tc, live_ttl_long);
        tcase_add_test(tc, live_long_keys);
        tcase_add_test(tc, live_longest_prefix_and_key);
        tcase_add_test(tc, live_too_big);
        tcase_add_test(tc, live_status);
        tcase_add_test(tc, live_threads);
        tcase_add_test(tc, live_concurrent_create);
        tcase_add_test(tc, live_replicas);
        tcase_add_test(tc, live_partial_outage);
    }
    suite_add_tcase(s, tc);
    return s;
}
