/* secmods unit tests (libcheck): one suite per file, all run by unit_main.c. */
#ifndef SECMODS_UNIT_H
#define SECMODS_UNIT_H

#include <check.h>
#include <apr_pools.h>

Suite *parse_suite(void);
Suite *crypto_suite(void);
Suite *keyring_suite(void);
Suite *cidr_suite(void);
Suite *envelope_suite(void);
Suite *event_suite(void);
Suite *accept_suite(void);
Suite *store_shm_suite(void);
Suite *store_memcached_suite(void);
Suite *metrics_suite(void);
Suite *reqid_suite(void);
Suite *ratelimit_suite(void);
Suite *origin_suite(void);
Suite *cookie_suite(void);
Suite *html_suite(void);
Suite *csp_suite(void);
Suite *headers_suite(void);
Suite *cspreport_suite(void);
Suite *session_suite(void);
Suite *session_login_suite(void);
Suite *session_hmac_suite(void);
Suite *session_redirect_suite(void);
Suite *form_suite(void);
Suite *csrf_suite(void);

/* Helpers shared by the suites (unit_main.c). */

/* A fresh root pool; aborts the test when APR can't make one. */
apr_pool_t *unit_pool(void);

/* mkdtemp() under $TMPDIR (or /tmp); the path is malloc'ed and lives until
 * unit_rmtree(). */
char *unit_mkdtemp(const char *tag);
/* Removes dir and the regular files directly in it (not recursive). */
void unit_rmtree(const char *dir);

/* The core library's log sink is installed by main: messages are kept (the
 * last 64, per test process) instead of going to stderr, so tests can check
 * what was logged. Set SECMODS_UNIT_VERBOSE=1 to echo them too. */
void unit_log_reset(void);
int unit_log_count(void);
/* 1 when any kept message contains needle. */
int unit_log_contains(const char *needle);

#endif
