/* Logging sink for the core library; see sec_log.h. */
#include <stdio.h>
#include <stdarg.h>
#include <apr_strings.h>
#include "sec_log.h"

/* One sink per process, installed once at startup (post_config, child_init,
 * the CLI's main): not request state. */
static sec_log_fn *log_fn;
static void *log_baton;

void sec_log_set(sec_log_fn *fn, void *baton)
{
    log_fn = fn;
    log_baton = baton;
}

void sec_log(int level, apr_status_t rv, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    apr_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (log_fn) {
        log_fn(log_baton, level, rv, msg);
    }
    else if (level <= SEC_LOG_WARNING) {
        char err[256];
        if (rv != APR_SUCCESS) {
            fprintf(stderr, "%s (%s)\n", msg, apr_strerror(rv, err, sizeof(err)));
        }
        else {
            fprintf(stderr, "%s\n", msg);
        }
    }
}
