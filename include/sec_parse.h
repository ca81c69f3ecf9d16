/* Parsers for configuration values: durations, sizes, host:port. */
#ifndef SEC_PARSE_H
#define SEC_PARSE_H

#include <apr_pools.h>
#include <apr_time.h>
#include <apr_network_io.h>

/* "250ms", "30s", "15m", "8h", "1d", "2w"; a bare number is seconds.
 * Rejects negatives, overflow, empty input and trailing junk. */
apr_status_t sec_parse_duration(const char *s, apr_interval_time_t *out);

/* "4096", "512K", "64M", "1G" (powers of 1024, optional trailing 'B'). */
apr_status_t sec_parse_size(const char *s, apr_uint64_t *out);

/* "host", "host:port", "1.2.3.4:11211", "[::1]:11211". The host keeps no
 * brackets. Rejects empty host, port 0, port > 65535, junk. */
apr_status_t sec_parse_hostport(apr_pool_t *p, const char *s, apr_port_t default_port,
                                char **host, apr_port_t *port);

/* A decimal number within [lo, hi]: digits only -- no sign, space, base
 * prefix or trailing junk -- and no overflow. Config values and the
 * counters the store hands back are read with this one parser. */
apr_status_t sec_parse_uint(const char *s, apr_uint64_t lo, apr_uint64_t hi, apr_uint64_t *out);

/* Split "name=value"; returns 1 and sets *value when s starts with name=. */
int sec_parse_option(const char *s, const char *name, const char **value);

#endif
