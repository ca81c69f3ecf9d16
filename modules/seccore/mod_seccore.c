/* mod_seccore: the parts of secmods that exist once per server — the store,
 * the keyring, audit events, request ids, metrics and the error envelope —
 * handed to the other modules through optional functions (mod_seccore.h).
 *
 * This file holds the lifecycle: the shared-memory segment (created once and
 * kept across graceful restarts, so sessions and bans survive a log
 * rotation), store connections (created in child_init, never before fork),
 * the event log files, and the bridge from the core library's log callback
 * to httpd's error log.
 */
#include <sys/stat.h>
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_main.h>
#include <http_core.h>
#include <ap_mpm.h>
#include <apr_strings.h>
#include <apr_hash.h>
#include "mod_seccore.h"
#include "seccore_config.h"
#include "sec_store_shm.h"
#include "sec_log.h"


#define RETAINED_KEY "secmods-seccore-shm"

typedef struct {
    apr_shm_t *shm;
    apr_uint64_t size;
    const char *file;
} seccore_retained_t;

/* Process-wide state owned by seccore: set in post_config before fork and
 * read-only afterwards, except the shm contents, which have their own lock. */
static sec_shm_t *shm;
static sec_store_t *shm_store;
static sec_store_t *unavailable_store;

sec_metrics_t *seccore_metrics(void)
{
    return shm ? sec_shm_metrics(shm) : NULL;
}

struct sec_shm_t *seccore_shm(void)
{
    return shm;
}

void seccore_metric_add(const char *family, const char *labels, apr_uint64_t delta)
{
    sec_metrics_t *m = seccore_metrics();
    if (m && sec_metrics_counter_add(m, family, labels, delta) == APR_ENOSPC) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, ap_server_conf,
                     SECLOGNO(02001) "metrics: no room for counter %s", family);
    }
}

static void log_bridge(void *baton, int level, apr_status_t rv, const char *msg)
{
    server_rec *s = baton ? baton : ap_server_conf;
    ap_log_error(APLOG_MARK, level, rv, s, "%s", msg);
}

/* --- optional functions --------------------------------------------------- */

static sec_store_t *seccore_store(server_rec *s)
{
    seccore_srv_t *c = seccore_srv(s);

    if (c->store) {
        return c->store;
    }
    /* memcached configured but no client (before child_init, or creating it
     * failed): an outage, never a silent switch to local state. */
    return c->store_kind == SECCORE_STORE_MEMCACHED ? unavailable_store : shm_store;
}

static const sec_keyring_t *seccore_keyring(server_rec *s)
{
    return seccore_srv(s)->keyring;
}

static sec_store_t *seccore_local_store(void)
{
    return shm_store;
}

/* Status sections of other modules. Registered in post_config, in the
 * parent, before fork: read-only in children. */
#define STATUS_SECTIONS_MAX 16
static struct {
    const char *name;
    seccore_status_fn *fn;
} status_sections[STATUS_SECTIONS_MAX];
static int n_status_sections;

static void seccore_register_status(const char *name, seccore_status_fn *fn)
{
    int i;

    for (i = 0; i < n_status_sections; i++) {
        if (!strcmp(status_sections[i].name, name)) {
            status_sections[i].fn = fn;
            return;
        }
    }
    if (n_status_sections < STATUS_SECTIONS_MAX) {
        status_sections[n_status_sections].name = name;
        status_sections[n_status_sections].fn = fn;
        n_status_sections++;
    }
}

json_t *seccore_module_status(request_rec *r)
{
    json_t *j = json_object();
    int i;

    for (i = 0; i < n_status_sections; i++) {
        json_t *part = status_sections[i].fn(r);
        if (part) {
            json_object_set_new(j, status_sections[i].name, part);
        }
    }
    return j;
}

/* --- startup ----------------------------------------------------------------- */

static int seccore_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    seccore_global.shm_size = SECCORE_DEFAULT_SHM_SIZE;
    seccore_global.shm_file = NULL;
    return OK;
}

/* Opens each distinct event log once, as root, before fork (the
 * mod_log_config way); piped logs get httpd's piped-log supervision. */
static int seccore_open_logs(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s)
{
    apr_hash_t *opened = apr_hash_make(ptemp);
    server_rec *v;

    for (v = s; v; v = v->next) {
        seccore_srv_t *c = seccore_srv(v);
        apr_file_t **known;
        apr_status_t rv;

        c->event_fd = NULL;
        if (!c->event_log || !strcmp(c->event_log, "off")) {
            continue;
        }
        known = apr_hash_get(opened, c->event_log, APR_HASH_KEY_STRING);
        if (known) {
            c->event_fd = *known;
            continue;
        }
        if (*c->event_log == '|') {
            piped_log *pl = ap_open_piped_log(pconf, c->event_log + 1);
            if (!pl) {
                ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, SECLOGNO(02002)
                             "SecEventLog: cannot start piped log program '%s'",
                             c->event_log + 1);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            c->event_fd = ap_piped_log_write_fd(pl);
        }
        else {
            rv = apr_file_open(&c->event_fd, c->event_log,
                               APR_FOPEN_WRITE | APR_FOPEN_APPEND | APR_FOPEN_CREATE,
                               APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD, pconf);
            if (rv != APR_SUCCESS) {
                ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, SECLOGNO(02003)
                             "SecEventLog: cannot open '%s'", c->event_log);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
        }
        known = apr_palloc(ptemp, sizeof(*known));
        *known = c->event_fd;
        apr_hash_set(opened, c->event_log, APR_HASH_KEY_STRING, known);
    }
    return OK;
}

/* The segment is created in the process pool and remembered in httpd's
 * retained data, so a graceful restart keeps it (and what it stores) unless
 * its size or file changed. */
static apr_status_t attach_shm(server_rec *s, apr_pool_t *pconf)
{
    seccore_retained_t *keep;
    const char *file = seccore_global.shm_file
                           ? seccore_global.shm_file
                           : ap_runtime_dir_relative(pconf, "secmods-store.shm");
    apr_status_t rv;
    mode_t old_umask;

    keep = ap_retained_data_get(RETAINED_KEY);
    if (!keep) {
        keep = ap_retained_data_create(RETAINED_KEY, sizeof(*keep));
    }
    if (keep->shm && keep->size == seccore_global.shm_size && keep->file &&
        !strcmp(keep->file, file)) {
        rv = sec_shm_wrap(pconf, keep->shm, &shm);
        if (rv == APR_SUCCESS) {
            return APR_SUCCESS;
        }
    }
    if (keep->shm) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, SECLOGNO(02004)
                     "SecStore shm: size or file changed; the embedded store starts empty");
        apr_shm_destroy(keep->shm);
        keep->shm = NULL;
    }
    /* APR creates named segments world-readable; the store holds session
     * records, so only the server's own user may map it. */
    old_umask = umask(0077);
    rv = sec_shm_create(s->process->pool, file, seccore_global.shm_size, &shm);
    umask(old_umask);
    if (rv == APR_ENOSPC) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, SECLOGNO(02009)
                     "SecStore shm size=%" APR_UINT64_T_FMT ": /dev/shm has less room than "
                     "that; lower size= or enlarge /dev/shm (children would die with SIGBUS "
                     "as the store filled)", seccore_global.shm_size);
        return rv;
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, SECLOGNO(02005)
                     "SecStore shm: cannot create the shared memory segment (%s, "
                     "%" APR_UINT64_T_FMT " bytes)", file, seccore_global.shm_size);
        return rv;
    }
    keep->shm = sec_shm_segment(shm);
    keep->size = seccore_global.shm_size;
    keep->file = apr_pstrdup(s->process->pool, file);
    return APR_SUCCESS;
}

static int seccore_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                               server_rec *s)
{
    server_rec *v;

    sec_log_set(log_bridge, s);
    /* httpd reads its configuration twice at start-up; the first pass only
     * checks it, so create nothing there. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    if (attach_shm(s, pconf) != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    shm_store = sec_store_shm_make(pconf, shm);
    unavailable_store = sec_store_unavailable_make(pconf, "memcached", SEC_STORE_KIND_MEMCACHED);
    unavailable_store->metrics = sec_shm_metrics(shm);
    for (v = s; v; v = v->next) {
        seccore_srv_t *c = seccore_srv(v);
        c->store = (c->store_kind == SECCORE_STORE_MEMCACHED) ? NULL : shm_store;
        if (c->keyfile && c->keyfile_perm_warning && (v == s || c->keyfile != seccore_srv(s)->keyfile)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, v, SECLOGNO(02006)
                         "SecKeyFile %s %s; it should be mode 0600 and owned by root",
                         c->keyfile, sec_keyring_perm_text(c->keyfile_perm_warning));
        }
    }
    return OK;
}

/* Connections to memcached are per process and made after fork: a pool
 * inherited across fork would share sockets between children. */
static void seccore_child_init(apr_pool_t *pchild, server_rec *s)
{
    server_rec *v;
    apr_hash_t *made = apr_hash_make(pchild);
    int threads = 1;

    sec_log_set(log_bridge, s);
    ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads);
    if (threads < 1) {
        threads = 1;
    }
    for (v = s; v; v = v->next) {
        seccore_srv_t *c = seccore_srv(v);
        sec_store_t *st;
        sec_mc_config_t *cfg;
        if (c->store_kind != SECCORE_STORE_MEMCACHED) {
            continue;
        }
        /* vhosts that inherit the main server's store share its pool */
        st = apr_hash_get(made, &c->mc, sizeof(c->mc));
        if (!st) {
            cfg = c->mc;
            if (cfg->pool_max <= 0) {
                cfg->pool_max = threads;
            }
            if (sec_store_memcached_make(pchild, cfg, &st) != APR_SUCCESS) {
                ap_log_error(APLOG_MARK, APLOG_CRIT, 0, v, SECLOGNO(02007)
                             "SecStore memcached: cannot create the client; store calls "
                             "will fail and callers apply their failure policy");
                continue;
            }
            st->metrics = seccore_metrics();
            apr_hash_set(made, apr_pmemdup(pchild, &c->mc, sizeof(c->mc)), sizeof(c->mc), st);
        }
        c->store = st;
    }
}

static void seccore_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(seccore_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_open_logs(seccore_open_logs, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(seccore_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(seccore_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    seccore_register_request_hooks();
    seccore_register_handlers();
    seccore_register_body();

    APR_REGISTER_OPTIONAL_FN(seccore_store);
    APR_REGISTER_OPTIONAL_FN(seccore_keyring);
    APR_REGISTER_OPTIONAL_FN(seccore_local_store);
    APR_REGISTER_OPTIONAL_FN(seccore_register_status);
    APR_REGISTER_OPTIONAL_FN(seccore_request_id);
    APR_REGISTER_OPTIONAL_FN(seccore_event);
    APR_REGISTER_OPTIONAL_FN(seccore_error);
    APR_REGISTER_OPTIONAL_FN(seccore_metric_add);
    APR_REGISTER_OPTIONAL_FN(seccore_body_read);
}

AP_DECLARE_MODULE(seccore) = {
    STANDARD20_MODULE_STUFF,
    NULL,                   /* per-directory config: seccore has no policy */
    NULL,
    seccore_create_srv,
    seccore_merge_srv,
    seccore_cmds,
    seccore_register_hooks
};
