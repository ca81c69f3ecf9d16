/* secctl: what its command files share. */
#ifndef SECCTL_H
#define SECCTL_H

#include <stdio.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include "sec_store.h"

typedef struct {
    const char *conf_file;
    const char *shm_file;
    const char *memcached;     /* comma-separated */
    const char *id;
    const char *message;
    const char *ttl;
    const char *hash;
    int ipv6prefix;
    const char *timestamp;     /* sign --timestamp */
    int force;
    apr_array_header_t *args;  /* positional, char* */
} secctl_opts_t;

void secctl_usage(FILE *out);
const char *secctl_arg(const secctl_opts_t *o, int i);
/* The store the server uses (config file or flags); 0 after printing why not. */
int secctl_open_store(apr_pool_t *p, const secctl_opts_t *o, sec_store_t **st);

int secctl_cmd_kill(apr_pool_t *p, const secctl_opts_t *o);
int secctl_cmd_ban(apr_pool_t *p, const secctl_opts_t *o);
/* secctl_session.c */
int secctl_cmd_session(apr_pool_t *p, const secctl_opts_t *o);
int secctl_cmd_sign(apr_pool_t *p, const secctl_opts_t *o);

#endif
