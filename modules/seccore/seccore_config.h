/* mod_seccore: configuration and the per-process state shared by its files. */
#ifndef SECCORE_CONFIG_H
#define SECCORE_CONFIG_H

#include <httpd.h>
#include <http_config.h>
#include <apr_file_io.h>
#include "sec_store.h"
#include "sec_store_memcached.h"
#include "sec_keyring.h"
#include "sec_metrics.h"
#include "mod_seccore.h"

#define SECCORE_DEFAULT_SHM_SIZE (64 * 1024 * 1024)
#define SECCORE_DEFAULT_REQID_HEADER "X-Request-ID"
#define SECCORE_REQID_ENV "SECMODS_REQUEST_ID"

typedef enum { SECCORE_STORE_UNSET = -1, SECCORE_STORE_SHM = 0, SECCORE_STORE_MEMCACHED = 1 }
    seccore_store_kind_e;

/* Server (virtual host) configuration. Unset values are -1 / NULL and are
 * inherited from the main server by the merge. */
typedef struct {
    seccore_store_kind_e store_kind;
    sec_mc_config_t *mc;               /* when memcached */
    const char *keyfile;
    sec_keyring_t *keyring;
    int keyfile_perm_warning;
    const char *event_log;             /* path or "|command" */
    int event_truncate_ip;
    const char *reqid_header;
    apr_array_header_t *reqid_trusted; /* sec_cidr_t from which an incoming id is kept */

    /* runtime */
    sec_store_t *store;                /* set in post_config (shm) or child_init */
    apr_file_t *event_fd;              /* opened in open_logs */
} seccore_srv_t;

/* Settings that exist once per httpd (main server only). */
typedef struct {
    apr_uint64_t shm_size;
    const char *shm_file;
} seccore_global_t;

extern module AP_MODULE_DECLARE_DATA seccore_module;
extern const command_rec seccore_cmds[];
extern seccore_global_t seccore_global;

void *seccore_create_srv(apr_pool_t *p, server_rec *s);
void *seccore_merge_srv(apr_pool_t *p, void *base, void *add);

static inline seccore_srv_t *seccore_srv(server_rec *s)
{
    return ap_get_module_config(s->module_config, &seccore_module);
}

/* seccore_request.c */
void seccore_register_request_hooks(void);
const char *seccore_request_id(request_rec *r);
void seccore_event(request_rec *r, const char *mod_name, const char *event, const char *outcome,
                   const char *reason, json_t *extra);
int seccore_error(request_rec *r, const char *mod_name, int status, const char *code,
                  const char *message, json_t *extra);

/* seccore_body.c */
void seccore_register_body(void);
int seccore_body_read(request_rec *r, apr_off_t max, seccore_body_fn *fn, void *baton,
                      int *complete);

/* seccore_handlers.c */
void seccore_register_handlers(void);

/* mod_seccore.c */
sec_metrics_t *seccore_metrics(void);
struct sec_shm_t *seccore_shm(void);
void seccore_metric_add(const char *family, const char *labels, apr_uint64_t delta);
json_t *seccore_module_status(request_rec *r);

#endif
