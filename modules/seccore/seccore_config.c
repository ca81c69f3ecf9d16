/* mod_seccore directives. Everything here is server-level: store addresses,
 * key files and log destinations are not policy a .htaccess may touch. */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "seccore_config.h"
#include "sec_parse.h"
#include "sec_cidr.h"
#include "sec_store_shm.h"
#include "sec_log.h"

APLOG_USE_MODULE(seccore);

seccore_global_t seccore_global = { SECCORE_DEFAULT_SHM_SIZE, NULL };

void *seccore_create_srv(apr_pool_t *p, server_rec *s)
{
    seccore_srv_t *c = apr_pcalloc(p, sizeof(*c));

    c->store_kind = SECCORE_STORE_UNSET;
    c->event_truncate_ip = -1;
    return c;
}

void *seccore_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    seccore_srv_t *base = basev, *add = addv, *c = apr_pcalloc(p, sizeof(*c));

    c->store_kind = add->store_kind != SECCORE_STORE_UNSET ? add->store_kind : base->store_kind;
    c->mc = add->store_kind != SECCORE_STORE_UNSET ? add->mc : base->mc;
    c->keyfile = add->keyfile ? add->keyfile : base->keyfile;
    c->keyring = add->keyfile ? add->keyring : base->keyring;
    c->keyfile_perm_warning = add->keyfile ? add->keyfile_perm_warning
                                           : base->keyfile_perm_warning;
    c->event_log = add->event_log ? add->event_log : base->event_log;
    c->event_truncate_ip = add->event_truncate_ip != -1 ? add->event_truncate_ip
                                                        : base->event_truncate_ip;
    c->reqid_header = add->reqid_header ? add->reqid_header : base->reqid_header;
    c->reqid_trusted = add->reqid_trusted ? add->reqid_trusted : base->reqid_trusted;
    return c;
}

/* SecStore shm [size=64M]
 * SecStore memcached host:port [host:port ...] [timeout=100ms] [retry=5s] ... */
static const char *cmd_store(cmd_parms *cmd, void *dc, int argc, char *const argv[])
{
    seccore_srv_t *c = seccore_srv(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    int i;

    if (err) {
        return err;
    }
    if (argc < 1) {
        return "SecStore: expected 'shm [size=...]' or 'memcached host:port ...'";
    }
    if (!strcasecmp(argv[0], "shm")) {
        c->store_kind = SECCORE_STORE_SHM;
        for (i = 1; i < argc; i++) {
            const char *v;
            if (sec_parse_option(argv[i], "size", &v)) {
                apr_uint64_t size;
                if (cmd->server->is_virtual) {
                    return "SecStore shm size=: the embedded store is one per server; "
                           "set its size in the main server configuration";
                }
                if (sec_parse_size(v, &size) != APR_SUCCESS || size < SEC_SHM_MIN_SIZE ||
                    size > SEC_SHM_MAX_SIZE) {
                    return apr_psprintf(cmd->pool, "SecStore shm size=%s: expected a size "
                                        "from 1M to 3G, e.g. size=64M", v);
                }
                seccore_global.shm_size = size;
            }
            else if (sec_parse_option(argv[i], "file", &v)) {
                if (cmd->server->is_virtual) {
                    return "SecStore shm file=: set it in the main server configuration";
                }
                seccore_global.shm_file = ap_server_root_relative(cmd->pool, v);
                if (!seccore_global.shm_file) {
                    return apr_psprintf(cmd->pool, "SecStore shm file=%s: invalid path", v);
                }
            }
            else {
                return apr_psprintf(cmd->pool, "SecStore shm: unknown option '%s' "
                                    "(known: size=, file=)", argv[i]);
            }
        }
        return NULL;
    }
    if (!strcasecmp(argv[0], "memcached")) {
        c->store_kind = SECCORE_STORE_MEMCACHED;
        c->mc = sec_mc_config_make(cmd->pool);
        if (sec_mc_config_parse(cmd->pool, argc - 1, argv + 1, c->mc, &err) != APR_SUCCESS) {
            return apr_pstrcat(cmd->pool, "SecStore memcached: ", err, NULL);
        }
        return NULL;
    }
    return apr_psprintf(cmd->pool, "SecStore: unknown store '%s' (expected shm or memcached)",
                        argv[0]);
}

/* The key file is read here, as root, while the configuration is parsed:
 * configtest reports a missing or malformed file, children never need to
 * read it, and a graceful restart re-reads it (rotation). */
static const char *cmd_keyfile(cmd_parms *cmd, void *dc, const char *arg)
{
    seccore_srv_t *c = seccore_srv(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT), *why = NULL;
    const char *path;
    apr_status_t rv;

    if (err) {
        return err;
    }
    path = ap_server_root_relative(cmd->pool, arg);
    if (!path) {
        return apr_psprintf(cmd->pool, "SecKeyFile %s: invalid path", arg);
    }
    rv = sec_keyring_load(cmd->pool, path, &c->keyring, &why, &c->keyfile_perm_warning);
    if (rv != APR_SUCCESS) {
        char buf[120];
        return apr_psprintf(cmd->pool, "SecKeyFile %s: %s (%s)", path, why,
                            apr_strerror(rv, buf, sizeof(buf)));
    }
    c->keyfile = path;
    if (c->keyfile_perm_warning) {
        /* Read while parsing, so configtest shows it too (on stderr). */
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server, SECLOGNO(02008)
                     "SecKeyFile %s %s; it should be mode 0600 and owned by root", path,
                     sec_keyring_perm_text(c->keyfile_perm_warning));
    }
    return NULL;
}

static const char *cmd_event_log(cmd_parms *cmd, void *dc, const char *arg)
{
    seccore_srv_t *c = seccore_srv(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    if (err) {
        return err;
    }
    if (!*arg) {
        return "SecEventLog: expected a file path or \"|command\"";
    }
    if (*arg == '|') {
        c->event_log = arg;
    }
    else if (!strcasecmp(arg, "off")) {
        c->event_log = "off";
    }
    else {
        c->event_log = ap_server_root_relative(cmd->pool, arg);
        if (!c->event_log) {
            return apr_psprintf(cmd->pool, "SecEventLog %s: invalid path", arg);
        }
    }
    return NULL;
}

static const char *cmd_event_truncate_ip(cmd_parms *cmd, void *dc, int flag)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    if (err) {
        return err;
    }
    seccore_srv(cmd->server)->event_truncate_ip = flag;
    return NULL;
}

static const char *cmd_reqid_header(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT), *c;

    if (err) {
        return err;
    }
    for (c = arg; *c; c++) {
        /* an HTTP token */
        if (!apr_isalnum(*c) && !strchr("!#$%&'*+-.^_`|~", *c)) {
            return apr_psprintf(cmd->pool, "SecRequestIDHeader %s: not a valid header name", arg);
        }
    }
    if (!*arg) {
        return "SecRequestIDHeader: empty header name";
    }
    seccore_srv(cmd->server)->reqid_header = arg;
    return NULL;
}

static const char *cmd_reqid_trust(cmd_parms *cmd, void *dc, const char *arg)
{
    seccore_srv_t *c = seccore_srv(cmd->server);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT), *why;
    apr_array_header_t *list;

    if (err) {
        return err;
    }
    if (sec_cidr_list_parse(cmd->pool, arg, &list, &why) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "SecRequestIDTrustFrom: %s", why);
    }
    if (!c->reqid_trusted) {
        c->reqid_trusted = list;
    }
    else {
        c->reqid_trusted = apr_array_append(cmd->pool, c->reqid_trusted, list);
    }
    return NULL;
}

const command_rec seccore_cmds[] = {
    AP_INIT_TAKE_ARGV("SecStore", cmd_store, NULL, RSRC_CONF,
                      "The store: 'shm [size=64M]' (embedded, default) or "
                      "'memcached host:port ... [timeout=100ms] [retry=5s]'"),
    AP_INIT_TAKE1("SecKeyFile", cmd_keyfile, NULL, RSRC_CONF,
                  "Keyring file (readable by root only) for the suite's MACs"),
    AP_INIT_TAKE1("SecEventLog", cmd_event_log, NULL, RSRC_CONF,
                  "Audit event log: a file, \"|piped command\" or off"),
    AP_INIT_FLAG("SecEventLogTruncateIP", cmd_event_truncate_ip, NULL, RSRC_CONF,
                 "Log client addresses truncated to /24 (IPv4) or /48 (IPv6)"),
    AP_INIT_TAKE1("SecRequestIDHeader", cmd_reqid_header, NULL, RSRC_CONF,
                  "Response (and trusted request) header carrying the request id"),
    AP_INIT_ITERATE("SecRequestIDTrustFrom", cmd_reqid_trust, NULL, RSRC_CONF,
                    "Addresses/CIDR ranges (proxies) whose incoming request id is kept"),
    {NULL}
};
