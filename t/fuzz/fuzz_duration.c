/* sec_parse_duration, sec_parse_size, sec_parse_hostport, sec_parse_uint
 * (sec_parse.h) on the NUL-terminated input: configuration values, host:port
 * words that reach the memcached configuration, and counters read back from
 * the store (memcached is shared; its values are not ours to trust). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <apr_lib.h>
#include "fz_support.h"
#include "sec_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *s = fz_cstr(data, size);
    apr_interval_time_t d = -1;
    apr_uint64_t sz = 0;
    char *host = NULL;
    apr_port_t port = 0;
    const char *v = NULL;

    if (sec_parse_duration(s, &d) == APR_SUCCESS) {
        FZ_ASSERT(d >= 0);
        FZ_ASSERT(*s >= '0' && *s <= '9');   /* no sign, no space, no empty */
    }
    if (sec_parse_size(s, &sz) == APR_SUCCESS) {
        FZ_ASSERT(*s >= '0' && *s <= '9');
    }
    if (sec_parse_hostport(p, s, 11211, &host, &port) == APR_SUCCESS) {
        const char *c;
        FZ_ASSERT(host && *host);
        FZ_ASSERT(port != 0);
        FZ_ASSERT(strlen(host) < strlen(s) + 1);
        for (c = host; *c; c++) {
            /* The host keeps no brackets and never a space, '/', '@' ... */
            FZ_ASSERT(apr_isalnum(*c) || *c == '.' || *c == '-' || *c == '_' || *c == ':');
        }
    }
    /* Defaults of 0 must not be turned into a port either. */
    if (sec_parse_hostport(p, s, 0, &host, &port) == APR_SUCCESS) {
        FZ_ASSERT(host && *host);
    }
    {
        /* digits only and no overflow: exactly what a careful strtoull on a
         * string of digits gives, and a bound is a bound */
        apr_uint64_t n = 0, lo = size ? data[0] % 10 : 0, hi = 1000 + lo;
        if (sec_parse_uint(s, 0, APR_UINT64_MAX, &n) == APR_SUCCESS) {
            const char *c;
            char *end;
            FZ_ASSERT(*s);
            for (c = s; *c; c++) {
                FZ_ASSERT(*c >= '0' && *c <= '9');
            }
            errno = 0;
            FZ_ASSERT(strtoull(s, &end, 10) == n && errno == 0 && *end == '\0');
        }
        if (sec_parse_uint(s, lo, hi, &n) == APR_SUCCESS) {
            FZ_ASSERT(n >= lo && n <= hi);
        }
    }
    if (sec_parse_option(s, "timeout", &v)) {
        FZ_ASSERT(v == s + 8);
    }

    free(s);
    fz_pool_clear(p);
    return 0;
}
