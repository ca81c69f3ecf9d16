/* Logging from the core library.
 *
 * The core library never calls httpd's logger: the module (or the CLI, or a
 * unit test) installs a callback, the mod_md way. Every message carries a tag
 * of ours (SECLOGNO) so an operator can grep for it, like httpd's APLOGNO.
 */
#ifndef SEC_LOG_H
#define SEC_LOG_H

#include <apr_errno.h>

#define SECLOGNO(n) "SEC" #n ": "

enum {
    SEC_LOG_ERR = 3,
    SEC_LOG_WARNING = 4,
    SEC_LOG_NOTICE = 5,
    SEC_LOG_INFO = 6,
    SEC_LOG_DEBUG = 7
};

typedef void sec_log_fn(void *baton, int level, apr_status_t rv, const char *msg);

/* Install the process's log sink (NULL: messages go to stderr). */
void sec_log_set(sec_log_fn *fn, void *baton);

/* Log a message; fmt starts with SECLOGNO(nnnnn). Never pass key material,
 * tokens or raw store keys here. */
void sec_log(int level, apr_status_t rv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
