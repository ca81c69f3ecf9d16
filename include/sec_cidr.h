/* IPv4/IPv6 addresses and CIDR ranges. IPv4-mapped IPv6 addresses
 * (::ffff:1.2.3.4) are treated as the IPv4 address they carry. */
#ifndef SEC_CIDR_H
#define SEC_CIDR_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct {
    int family;               /* 4 or 6 */
    unsigned char addr[16];   /* network order; IPv4 in the first 4 bytes */
} sec_ip_t;

typedef struct {
    sec_ip_t net;
    int bits;
} sec_cidr_t;

/* Strict textual address (no port, no brackets, no zone id). */
apr_status_t sec_ip_parse(const char *s, sec_ip_t *out);

/* "10.0.0.0/8", "2001:db8::/32", or a bare address (/32 or /128). Host bits
 * set beyond the prefix are rejected, so typos don't silently widen a range. */
apr_status_t sec_cidr_parse(const char *s, sec_cidr_t *out);

/* A list separated by spaces or commas; *err names the bad item. */
apr_status_t sec_cidr_list_parse(apr_pool_t *p, const char *s, apr_array_header_t **out,
                                 const char **err);

int sec_cidr_contains(const sec_cidr_t *c, const sec_ip_t *ip);
int sec_cidr_list_contains(const apr_array_header_t *list, const sec_ip_t *ip);

/* The address with all but the first bits bits zeroed, as text
 * ("192.0.2.0", "2001:db8:1::"): truncation for logs, grouping for limits. */
char *sec_ip_prefix_string(apr_pool_t *p, const sec_ip_t *ip, int bits);

/* Convenience for logs: truncate textual ip to /24 (IPv4) or /48 (IPv6);
 * something that isn't an address comes back as "invalid". */
const char *sec_ip_truncate(apr_pool_t *p, const char *ip);

#endif
