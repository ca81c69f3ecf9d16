/* secctl: the server settings the CLI needs, read from an httpd config file
 * (main server context only) or given as flags. */
#ifndef SECCTL_CONF_H
#define SECCTL_CONF_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct {
    const char *server_root;
    const char *runtime_dir;     /* DefaultRuntimeDir, resolved */
    const char *store_kind;      /* "shm" or "memcached" */
    apr_array_header_t *store_args; /* the words after SecStore <kind>, as char* */
    const char *keyfile;         /* resolved */
    const char *shm_file;        /* resolved: file= or <runtime_dir>/secmods-store.shm */
    const char *event_log;       /* SecEventLog: resolved path, "|command" or "off" */
} secctl_conf_t;

secctl_conf_t *secctl_conf_make(apr_pool_t *p);

/* Scan path (following Include/IncludeOptional, skipping <VirtualHost>
 * sections, expanding ${VAR} from Define and the environment). *err says
 * what went wrong. */
apr_status_t secctl_conf_read(apr_pool_t *p, const char *path, secctl_conf_t *c,
                              const char **err);

/* Fill in defaults derived from what was read. */
void secctl_conf_finish(apr_pool_t *p, secctl_conf_t *c);

#endif
