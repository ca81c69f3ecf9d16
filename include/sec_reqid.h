/* Request ids: generated from the CSPRNG, or accepted from a trusted source
 * when they are well-formed. */
#ifndef SEC_REQID_H
#define SEC_REQID_H

#include <apr_pools.h>

#define SEC_REQID_MAX 128

/* 1..128 characters of [A-Za-z0-9._:@+=-]: nothing that could split a log
 * line or a header. */
int sec_reqid_valid(const char *id);

/* 128 random bits, base64url: 22 characters. */
char *sec_reqid_generate(apr_pool_t *p);

#endif
