/* Runs every secmods unit suite with libcheck. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <apr_general.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_log.h"

#define LOG_KEEP 64
#define LOG_MSG_MAX 1024

static char log_msgs[LOG_KEEP][LOG_MSG_MAX];
static int log_total;
static int log_verbose;

static void unit_log_sink(void *baton, int level, apr_status_t rv, const char *msg)
{
    (void)baton;
    snprintf(log_msgs[log_total % LOG_KEEP], LOG_MSG_MAX, "%s", msg);
    log_total++;
    if (log_verbose) {
        fprintf(stderr, "[secmods log %d rv=%d] %s\n", level, rv, msg);
    }
}

void unit_log_reset(void)
{
    log_total = 0;
    memset(log_msgs, 0, sizeof(log_msgs));
}

int unit_log_count(void)
{
    return log_total;
}

int unit_log_contains(const char *needle)
{
    int i, n = log_total < LOG_KEEP ? log_total : LOG_KEEP;

    for (i = 0; i < n; i++) {
        if (strstr(log_msgs[i], needle)) {
            return 1;
        }
    }
    return 0;
}

apr_pool_t *unit_pool(void)
{
    apr_pool_t *p = NULL;

    ck_assert_int_eq(apr_pool_create(&p, NULL), APR_SUCCESS);
    ck_assert_ptr_nonnull(p);
    return p;
}

char *unit_mkdtemp(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char *path;
    size_t n;

    if (!base || !*base) {
        base = "/tmp";
    }
    n = strlen(base) + strlen(tag) + 32;
    path = malloc(n);
    ck_assert_ptr_nonnull(path);
    snprintf(path, n, "%s/secmods-unit-%s-XXXXXX", base, tag);
    ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp(%s) failed", path);
    return path;
}

void unit_rmtree(const char *dir)
{
    DIR *d;
    struct dirent *e;

    if (!dir || !(d = opendir(dir))) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int main(void)
{
    SRunner *sr;
    int failed;
    const char *v = getenv("SECMODS_UNIT_VERBOSE");

    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "unit_tests: apr_initialize failed\n");
        return 2;
    }
    atexit(apr_terminate);
    log_verbose = v && *v && strcmp(v, "0");
    sec_log_set(unit_log_sink, NULL);

    sr = srunner_create(parse_suite());
    srunner_add_suite(sr, crypto_suite());
    srunner_add_suite(sr, keyring_suite());
    srunner_add_suite(sr, cidr_suite());
    srunner_add_suite(sr, accept_suite());
    srunner_add_suite(sr, envelope_suite());
    srunner_add_suite(sr, event_suite());
    srunner_add_suite(sr, reqid_suite());
    srunner_add_suite(sr, ratelimit_suite());
    srunner_add_suite(sr, metrics_suite());
    srunner_add_suite(sr, store_shm_suite());
    srunner_add_suite(sr, store_memcached_suite());
    srunner_add_suite(sr, origin_suite());
    srunner_add_suite(sr, cookie_suite());
    srunner_add_suite(sr, html_suite());
    srunner_add_suite(sr, csp_suite());
    srunner_add_suite(sr, headers_suite());
    srunner_add_suite(sr, cspreport_suite());
    srunner_add_suite(sr, session_suite());
    srunner_add_suite(sr, session_login_suite());
    srunner_add_suite(sr, session_hmac_suite());
    srunner_add_suite(sr, session_redirect_suite());
    srunner_add_suite(sr, form_suite());
    srunner_add_suite(sr, csrf_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
