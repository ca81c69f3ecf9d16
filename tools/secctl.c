/* secctl: the secmods admin CLI, on the same core library as the modules.
 *
 *   secctl keygen [FILE] [--id ID] [--force] write a new keyring (mode 0600)
 *   secctl rotate [FILE] [--id ID]           add a key and make it current
 *   secctl add-key [FILE] [--id ID]          add a key, not current yet (fleets)
 *   secctl use [FILE] ID                     make an existing key current
 *   secctl keys [FILE]                       list key ids (never secrets)
 *   secctl retire [FILE] ID                  remove a key that is not current
 *   secctl store ping|stats                  talk to the configured store
 *
 * FILE defaults to the config's SecKeyFile. Store settings come from the
 * httpd config (-f, default
 * /etc/apache2/apache2.conf) or flags: --shm FILE, --memcached host:port,...
 * The embedded store is reached by attaching to the running server's
 * shared-memory segment (root only: the segment is mode 0600).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_file_info.h>
#include <jansson.h>
#include "sec_keyring.h"
#include "sec_store.h"
#include "sec_store_shm.h"
#include "sec_store_memcached.h"
#include "sec_crypto.h"
#include "sec_log.h"
#include "secctl_conf.h"
#include "sec_parse.h"
#include "secctl.h"

#define DEFAULT_CONF "/etc/apache2/apache2.conf"

typedef secctl_opts_t opts_t;

void secctl_usage(FILE *out)
{
    fputs("usage: secctl [options] COMMAND ...\n"
          "  keygen [FILE] [--id ID] [--force]\n"
          "                                   write a new keyring with one key (mode 0600)\n"
          "  rotate [FILE] [--id ID]          add a new key and make it current\n"
          "  add-key [FILE] [--id ID]         add a new key without making it current, so\n"
          "                                   every server can verify before any signs\n"
          "  use [FILE] ID                    make an existing key current\n"
          "  keys [FILE]                      list key ids and which is current\n"
          "  retire [FILE] ID                 remove a key (not the current one)\n"
          "                                   (FILE: default the config's SecKeyFile)\n"
          "  store ping                       one write/read/delete round trip\n"
          "  store stats                      store health and fill, as JSON\n"
          "  kill on NAME [--message TEXT] [--ttl DUR]\n"
          "                                   set a kill switch (SecKillSwitch NAME answers 503)\n"
          "  kill off NAME | kill list        clear one, list those set\n"
          "  ban list                         rate-limit bans in force\n"
          "  ban lift ZONE SUBJECT [--ipv6prefix N] | ban lift --hash HASH\n"
          "                                   end a ban (SUBJECT: client address or key)\n"
          "  session show REF | session revoke REF\n"
          "                                   a session (REF as the event log shows it)\n"
          "  session logout-user USER | session logout-all\n"
          "                                   end every session of a user, or of everyone\n"
          "  sign KEYFILE [FILE] [--id KEY] [--timestamp T]\n"
          "                                   X-Timestamp/X-Signature headers for FILE\n"
          "                                   (default: stdin) for AuthType SecHMAC\n"
          "options:\n"
          "  -f FILE            httpd config to read SecStore/SecKeyFile/SecEventLog from\n"
          "                     (default " DEFAULT_CONF ")\n"
          "  --shm FILE         the embedded store's segment file\n"
          "  --memcached LIST   host:port[,host:port...] instead of the config\n"
          "  --event-log FILE   where changes are logged as audit events\n"
          "                     (default: the config's SecEventLog)\n"
          "  -h, --help         this text\n", out);
}

static int fail(const char *what, apr_status_t rv)
{
    char buf[256];
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: %s: %s\n", what, apr_strerror(rv, buf, sizeof(buf)));
    }
    else {
        fprintf(stderr, "secctl: %s\n", what);
    }
    return 1;
}

static int parse_args(apr_pool_t *p, int argc, const char *const *argv, opts_t *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->args = apr_array_make(p, 4, sizeof(char *));
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            secctl_usage(stdout);
            exit(0);
        }
        else if (!strcmp(a, "-f") && next) { o->conf_file = next; i++; }
        else if (!strcmp(a, "--shm") && next) { o->shm_file = next; i++; }
        else if (!strcmp(a, "--memcached") && next) { o->memcached = next; i++; }
        else if (!strcmp(a, "--id") && next) { o->id = next; i++; }
        else if (!strcmp(a, "--force")) { o->force = 1; }
        else if (!strcmp(a, "--message") && next) { o->message = next; i++; }
        else if (!strcmp(a, "--ttl") && next) { o->ttl = next; i++; }
        else if (!strcmp(a, "--hash") && next) { o->hash = next; i++; }
        else if (!strcmp(a, "--ipv6prefix") && next) {
            apr_uint64_t bits;
            if (sec_parse_uint(next, 16, 128, &bits) != APR_SUCCESS) {
                fprintf(stderr, "secctl: --ipv6prefix %s: expected a prefix length from 16 to 128\n",
                        next);
                return 0;
            }
            o->ipv6prefix = (int)bits;
            i++;
        }
        else if (!strcmp(a, "--timestamp") && next) { o->timestamp = next; i++; }
        else if (!strcmp(a, "--event-log") && next) { o->event_log = next; i++; }
        else if (a[0] == '-') {
            fprintf(stderr, "secctl: unknown or incomplete option %s\n", a);
            return 0;
        }
        else {
            APR_ARRAY_PUSH(o->args, const char *) = a;
        }
    }
    return o->args->nelts > 0;
}

const char *secctl_arg(const opts_t *o, int i)
{
    return i < o->args->nelts ? APR_ARRAY_IDX(o->args, i, const char *) : NULL;
}

/* --- keys ------------------------------------------------------------------- */

static int load_keyring(apr_pool_t *p, const char *path, sec_keyring_t **kr)
{
    const char *why = NULL;
    int perm_warning = 0;
    apr_status_t rv = sec_keyring_load(p, path, kr, &why, &perm_warning);

    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: %s: %s\n", path, why ? why : "cannot load");
        return 0;
    }
    if (perm_warning) {
        fprintf(stderr, "secctl: warning: %s %s; chmod 600 it and chown it to root\n", path,
                sec_keyring_perm_text(perm_warning));
    }
    return 1;
}

/* The keyring a key command works on: FILE when given (nids more words
 * follow it), else the server's SecKeyFile from the config file. The ids
 * after it are in *id (NULL when nids is 0). 0 after printing why not. */
static int keyring_args(apr_pool_t *p, const opts_t *o, int nids, const char **path,
                        const char **id)
{
    int given = o->args->nelts - 1;

    *id = NULL;
    if (given == nids + 1) {
        *path = secctl_arg(o, 1);
        *id = nids ? secctl_arg(o, 2) : NULL;
        return 1;
    }
    if (given == nids) {
        secctl_conf_t *c = secctl_conf_make(p);
        const char *conf = o->conf_file ? o->conf_file : DEFAULT_CONF;
        const char *err = NULL;
        if (secctl_conf_read(p, conf, c, &err) != APR_SUCCESS) {
            fprintf(stderr, "secctl: %s (or name the key FILE)\n", err);
            return 0;
        }
        if (!c->keyfile) {
            fprintf(stderr, "secctl: %s sets no SecKeyFile; name the key FILE\n", conf);
            return 0;
        }
        *path = c->keyfile;
        *id = nids ? secctl_arg(o, 1) : NULL;
        return 1;
    }
    secctl_usage(stderr);
    return 0;
}

static int cmd_keygen(apr_pool_t *p, const opts_t *o)
{
    const char *path, *unused;
    sec_keyring_t *kr = sec_keyring_make(p);
    const sec_key_t *k;
    apr_finfo_t fi;
    apr_status_t rv;

    if (!keyring_args(p, o, 0, &path, &unused)) {
        return 2;
    }
    if (!o->force && apr_stat(&fi, path, APR_FINFO_TYPE, p) == APR_SUCCESS) {
        fprintf(stderr, "secctl: %s exists; use 'rotate' to add a key, or --force\n", path);
        return 1;
    }
    if ((rv = sec_keyring_add_random(p, kr, o->id, 1, &k)) != APR_SUCCESS) {
        return fail("cannot create a key (is --id 1-32 of A-Z a-z 0-9 _ -?)", rv);
    }
    if ((rv = sec_keyring_save(p, kr, path)) != APR_SUCCESS) {
        return fail(path, rv);
    }
    printf("wrote %s with key %s (current)\n", path, k->id);
    return 0;
}

static int cmd_rotate(apr_pool_t *p, const opts_t *o, int make_current)
{
    const char *path, *unused;
    sec_keyring_t *kr;
    const sec_key_t *k;
    const char *old;
    apr_status_t rv;

    if (!keyring_args(p, o, 0, &path, &unused)) {
        return 2;
    }
    if (!load_keyring(p, path, &kr)) {
        return 1;
    }
    old = kr->current->id;
    if ((rv = sec_keyring_add_random(p, kr, o->id, make_current, &k)) != APR_SUCCESS) {
        return fail(rv == APR_EEXIST ? "a key with that id exists" : "cannot create a key", rv);
    }
    if ((rv = sec_keyring_save(p, kr, path)) != APR_SUCCESS) {
        return fail(path, rv);
    }
    if (make_current) {
        printf("added key %s (current); %s still verifies until you retire it.\n"
               "Reload httpd (apachectl graceful) to start signing with the new key.\n",
               k->id, old);
    }
    else {
        printf("added key %s; %s stays current. Once every server has this file, run\n"
               "'secctl use %s %s' and reload.\n", k->id, old, path, k->id);
    }
    return 0;
}

static int cmd_use(apr_pool_t *p, const opts_t *o)
{
    const char *path, *id;
    sec_keyring_t *kr;
    apr_status_t rv;

    if (!keyring_args(p, o, 1, &path, &id)) {
        return 2;
    }
    if (!load_keyring(p, path, &kr)) {
        return 1;
    }
    if (!(kr->current = sec_keyring_find(kr, id, strlen(id)))) {
        fprintf(stderr, "secctl: no key %s in %s\n", id, path);
        return 1;
    }
    if ((rv = sec_keyring_save(p, kr, path)) != APR_SUCCESS) {
        return fail(path, rv);
    }
    printf("%s is now current; reload httpd to sign with it.\n", id);
    return 0;
}

static int cmd_keys(apr_pool_t *p, const opts_t *o)
{
    const char *path, *unused;
    sec_keyring_t *kr;
    int i;

    if (!keyring_args(p, o, 0, &path, &unused)) {
        return 2;
    }
    if (!load_keyring(p, path, &kr)) {
        return 1;
    }
    for (i = 0; i < kr->keys->nelts; i++) {
        const sec_key_t *k = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        printf("%s%s\n", k->id, k == kr->current ? " (current)" : "");
    }
    return 0;
}

static int cmd_retire(apr_pool_t *p, const opts_t *o)
{
    const char *path, *id;
    sec_keyring_t *kr, *out;
    int i;
    apr_status_t rv;

    if (!keyring_args(p, o, 1, &path, &id)) {
        return 2;
    }
    if (!load_keyring(p, path, &kr)) {
        return 1;
    }
    if (!sec_keyring_find(kr, id, strlen(id))) {
        fprintf(stderr, "secctl: no key %s in %s\n", id, path);
        return 1;
    }
    if (!strcmp(kr->current->id, id)) {
        fprintf(stderr, "secctl: %s is the current key; rotate first\n", id);
        return 1;
    }
    out = sec_keyring_make(p);
    for (i = 0; i < kr->keys->nelts; i++) {
        const sec_key_t *k = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        if (strcmp(k->id, id)) {
            *(sec_key_t *)apr_array_push(out->keys) = *k;
        }
    }
    out->current = sec_keyring_find(out, kr->current->id, strlen(kr->current->id));
    if ((rv = sec_keyring_save(p, out, path)) != APR_SUCCESS) {
        return fail(path, rv);
    }
    printf("removed key %s; what it signed no longer verifies after a reload.\n", id);
    return 0;
}

/* --- store ------------------------------------------------------------------ */

int secctl_open_store(apr_pool_t *p, const opts_t *o, sec_store_t **st)
{
    secctl_conf_t *c = secctl_conf_make(p);
    const char *err = NULL;
    apr_status_t rv;

    if (!o->shm_file && !o->memcached) {
        const char *conf = o->conf_file ? o->conf_file : DEFAULT_CONF;
        if ((rv = secctl_conf_read(p, conf, c, &err)) != APR_SUCCESS) {
            fprintf(stderr, "secctl: %s (use --shm FILE or --memcached LIST)\n", err);
            return 0;
        }
    }
    secctl_conf_finish(p, c);
    secctl_event_log_from_conf(c->event_log);
    if (o->memcached || (!o->shm_file && !strcasecmp(c->store_kind, "memcached"))) {
        sec_mc_config_t *mc = sec_mc_config_make(p);
        apr_array_header_t *argv = apr_array_make(p, 4, sizeof(char *));
        int i;
        if (o->memcached) {
            char *list = apr_pstrdup(p, o->memcached), *last, *tok;
            for (tok = apr_strtok(list, ",", &last); tok; tok = apr_strtok(NULL, ",", &last)) {
                APR_ARRAY_PUSH(argv, char *) = tok;
            }
        }
        else {
            for (i = 0; i < c->store_args->nelts; i++) {
                APR_ARRAY_PUSH(argv, char *) = APR_ARRAY_IDX(c->store_args, i, char *);
            }
        }
        if (sec_mc_config_parse(p, argv->nelts, (char *const *)argv->elts, mc, &err)
            != APR_SUCCESS) {
            fprintf(stderr, "secctl: SecStore memcached: %s\n", err);
            return 0;
        }
        mc->pool_max = 1;
        if ((rv = sec_store_memcached_make(p, mc, st)) != APR_SUCCESS) {
            fail("cannot create the memcached client", rv);
            return 0;
        }
        (*st)->metrics = NULL;
        return 1;
    }
    {
        sec_shm_t *shm;
        const char *file = o->shm_file ? o->shm_file : c->shm_file;
        if ((rv = sec_shm_attach(p, file, &shm)) != APR_SUCCESS) {
            char buf[128];
            fprintf(stderr, "secctl: cannot attach to the embedded store %s: %s\n"
                    "  (is httpd running with mod_seccore? are you root? --shm FILE names "
                    "the segment)\n", file, apr_strerror(rv, buf, sizeof(buf)));
            return 0;
        }
        *st = sec_store_shm_make(p, shm);
        /* The admin's pings are not the server's traffic. */
        (*st)->metrics = NULL;
        return 1;
    }
}

static int cmd_store(apr_pool_t *p, const opts_t *o)
{
    const char *sub = secctl_arg(o, 1);
    sec_store_t *st;

    if (!sub || (strcmp(sub, "ping") && strcmp(sub, "stats"))) {
        secctl_usage(stderr);
        return 2;
    }
    if (!secctl_open_store(p, o, &st)) {
        return 1;
    }
    if (!strcmp(sub, "ping")) {
        char *probe = sec_random_token(p, 9), *v = NULL;
        apr_size_t vlen = 0;
        apr_time_t t0 = apr_time_now();
        apr_status_t rv = sec_store_set(st, p, "secctl", probe, "pong", 4, 10);
        if (rv == APR_SUCCESS) {
            rv = sec_store_get(st, p, "secctl", probe, &v, &vlen);
        }
        if (rv == APR_SUCCESS && (vlen != 4 || memcmp(v, "pong", 4))) {
            rv = SEC_STORE_EPROTOCOL;
        }
        sec_store_del(st, p, "secctl", probe);
        if (rv != APR_SUCCESS) {
            fprintf(stderr, "secctl: store %s: %s\n", st->name, sec_store_strerror(p, rv));
            return 1;
        }
        printf("%s store: ok (set/get/del in %" APR_TIME_T_FMT " us)\n", st->name,
               apr_time_now() - t0);
        return 0;
    }
    else {
        json_t *j = NULL;
        char *text;
        int ok;
        st->status(st, p, &j);
        if (!j) {
            return fail("no status", APR_EGENERAL);
        }
        ok = json_is_true(json_object_get(j, "reachable"));
        text = json_dumps(j, JSON_INDENT(2));
        printf("%s\n", text ? text : "{}");
        free(text);
        json_decref(j);
        return ok ? 0 : 1;
    }
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    opts_t o;
    const char *cmd;
    int rc;

    apr_app_initialize(&argc, &argv, NULL);
    atexit(apr_terminate);
    apr_pool_create(&p, NULL);
    if (!parse_args(p, argc, argv, &o)) {
        secctl_usage(stderr);
        return 2;
    }
    cmd = secctl_arg(&o, 0);
    if (!strcmp(cmd, "keygen")) rc = cmd_keygen(p, &o);
    else if (!strcmp(cmd, "rotate")) rc = cmd_rotate(p, &o, 1);
    else if (!strcmp(cmd, "add-key")) rc = cmd_rotate(p, &o, 0);
    else if (!strcmp(cmd, "use")) rc = cmd_use(p, &o);
    else if (!strcmp(cmd, "keys")) rc = cmd_keys(p, &o);
    else if (!strcmp(cmd, "retire")) rc = cmd_retire(p, &o);
    else if (!strcmp(cmd, "store")) rc = cmd_store(p, &o);
    else if (!strcmp(cmd, "kill")) rc = secctl_cmd_kill(p, &o);
    else if (!strcmp(cmd, "ban")) rc = secctl_cmd_ban(p, &o);
    else if (!strcmp(cmd, "session")) rc = secctl_cmd_session(p, &o);
    else if (!strcmp(cmd, "sign")) rc = secctl_cmd_sign(p, &o);
    else {
        fprintf(stderr, "secctl: unknown command %s\n", cmd);
        secctl_usage(stderr);
        rc = 2;
    }
    apr_pool_destroy(p);
    return rc;
}
