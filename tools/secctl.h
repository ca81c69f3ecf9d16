/* secctl: what its command files share. */
#ifndef SECCTL_H
#define SECCTL_H

#include <stdio.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>
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
    const char *event_log;     /* --event-log: overrides the config's SecEventLog */
    int force;
    apr_array_header_t *args;  /* positional, char* */
} secctl_opts_t;

void secctl_usage(FILE *out);
const char *secctl_arg(const secctl_opts_t *o, int i);
/* The store the server uses (config file or flags); 0 after printing why not. */
int secctl_open_store(apr_pool_t *p, const secctl_opts_t *o, sec_store_t **st);

/* secctl_event.c: a change secctl made, as an audit event (module "secctl")
 * in --event-log or the config's SecEventLog; warns on stderr when it
 * can't be written. Takes extra (may be NULL). */
void secctl_event(apr_pool_t *p, const secctl_opts_t *o, const char *name, const char *user,
                  const char *reason, json_t *extra);
/* The config's SecEventLog, once secctl_open_store has read it. */
void secctl_event_log_from_conf(const char *path);

int secctl_cmd_kill(apr_pool_t *p, const secctl_opts_t *o);
int secctl_cmd_ban(apr_pool_t *p, const secctl_opts_t *o);
/* secctl_session.c */
int secctl_cmd_session(apr_pool_t *p, const secctl_opts_t *o);
int secctl_cmd_sign(apr_pool_t *p, const secctl_opts_t *o);

#endif
