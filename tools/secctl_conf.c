/* A small reader for the handful of httpd directives secctl needs. It is not
 * an httpd config parser: it follows Include and Define, ignores every
 * section but <VirtualHost> (whose settings are skipped), and does not
 * evaluate <IfModule>/<IfDefine>: their contents are read as if true. */
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_hash.h>
#include "secctl_conf.h"
#include "sec_file.h"

#define MAX_DEPTH 16

typedef struct {
    secctl_conf_t *c;
    apr_hash_t *defines;
    int vhost_depth;
} scan_t;

secctl_conf_t *secctl_conf_make(apr_pool_t *p)
{
    secctl_conf_t *c = apr_pcalloc(p, sizeof(*c));
    c->store_args = apr_array_make(p, 4, sizeof(char *));
    return c;
}

static const char *expand(apr_pool_t *p, scan_t *sc, const char *in)
{
    const char *s = in;
    char *out = apr_pstrdup(p, "");

    while (*s) {
        const char *d = strstr(s, "${"), *e;
        if (!d || !(e = strchr(d, '}'))) {
            return apr_pstrcat(p, out, s, NULL);
        }
        {
            char *name = apr_pstrmemdup(p, d + 2, (apr_size_t)(e - d - 2));
            const char *v = apr_hash_get(sc->defines, name, APR_HASH_KEY_STRING);
            if (!v) {
                v = getenv(name);
            }
            out = apr_pstrcat(p, out, apr_pstrmemdup(p, s, (apr_size_t)(d - s)), v ? v : "",
                              NULL);
        }
        s = e + 1;
    }
    return out;
}

static const char *root_relative(apr_pool_t *p, scan_t *sc, const char *path)
{
    if (*path == '/') {
        return path;
    }
    return apr_pstrcat(p, sc->c->server_root ? sc->c->server_root : "/etc/apache2", "/",
                       path, NULL);
}

/* Splits a directive line into words, honouring double quotes. */
static apr_array_header_t *words(apr_pool_t *p, const char *line)
{
    apr_array_header_t *w = apr_array_make(p, 8, sizeof(char *));
    const char *s = line;

    while (*s) {
        const char *start;
        while (*s && apr_isspace(*s)) s++;
        if (!*s) break;
        if (*s == '"') {
            start = ++s;
            while (*s && *s != '"') s++;
            APR_ARRAY_PUSH(w, char *) = apr_pstrmemdup(p, start, (apr_size_t)(s - start));
            if (*s) s++;
        }
        else {
            start = s;
            while (*s && !apr_isspace(*s)) s++;
            APR_ARRAY_PUSH(w, char *) = apr_pstrmemdup(p, start, (apr_size_t)(s - start));
        }
    }
    return w;
}

static apr_status_t scan_file(apr_pool_t *p, scan_t *sc, const char *path, int depth,
                              const char **err);

static apr_status_t include(apr_pool_t *p, scan_t *sc, const char *pattern, int optional,
                            int depth, const char **err)
{
    glob_t g;
    size_t i;
    int rc = glob(root_relative(p, sc, pattern), 0, NULL, &g);
    apr_status_t rv = APR_SUCCESS;

    if (rc == GLOB_NOMATCH) {
        if (!optional && !strpbrk(pattern, "*?[")) {
            *err = apr_psprintf(p, "Include %s: no such file", pattern);
            return APR_ENOENT;
        }
        return APR_SUCCESS;
    }
    if (rc != 0) {
        *err = apr_psprintf(p, "Include %s: cannot expand", pattern);
        return APR_EGENERAL;
    }
    for (i = 0; i < g.gl_pathc && rv == APR_SUCCESS; i++) {
        apr_finfo_t fi;
        if (apr_stat(&fi, g.gl_pathv[i], APR_FINFO_TYPE, p) == APR_SUCCESS &&
            fi.filetype == APR_DIR) {
            rv = include(p, sc, apr_pstrcat(p, g.gl_pathv[i], "/*", NULL), 1, depth, err);
        }
        else {
            rv = scan_file(p, sc, apr_pstrdup(p, g.gl_pathv[i]), depth + 1, err);
        }
    }
    globfree(&g);
    return rv;
}

static apr_status_t directive(apr_pool_t *p, scan_t *sc, apr_array_header_t *w, int depth,
                              const char **err)
{
    const char *name = APR_ARRAY_IDX(w, 0, char *);
    secctl_conf_t *c = sc->c;
    int i;

    if (!strncasecmp(name, "<VirtualHost", 12)) {
        sc->vhost_depth++;
        return APR_SUCCESS;
    }
    if (!strcasecmp(name, "</VirtualHost>")) {
        sc->vhost_depth--;
        return APR_SUCCESS;
    }
    if (sc->vhost_depth > 0) {
        return APR_SUCCESS;
    }
    for (i = 1; i < w->nelts; i++) {
        APR_ARRAY_IDX(w, i, char *) = (char *)expand(p, sc, APR_ARRAY_IDX(w, i, char *));
    }
    if (!strcasecmp(name, "Define") && w->nelts >= 2) {
        apr_hash_set(sc->defines, APR_ARRAY_IDX(w, 1, char *), APR_HASH_KEY_STRING,
                     w->nelts >= 3 ? APR_ARRAY_IDX(w, 2, char *) : "");
    }
    else if (!strcasecmp(name, "ServerRoot") && w->nelts == 2) {
        c->server_root = APR_ARRAY_IDX(w, 1, char *);
    }
    else if (!strcasecmp(name, "DefaultRuntimeDir") && w->nelts == 2) {
        c->runtime_dir = root_relative(p, sc, APR_ARRAY_IDX(w, 1, char *));
    }
    else if (!strcasecmp(name, "SecEventLog") && w->nelts == 2) {
        const char *a = APR_ARRAY_IDX(w, 1, char *);
        c->event_log = *a == '|' || !strcasecmp(a, "off") ? apr_pstrdup(p, a)
                                                          : root_relative(p, sc, a);
    }
    else if (!strcasecmp(name, "SecKeyFile") && w->nelts == 2) {
        c->keyfile = root_relative(p, sc, APR_ARRAY_IDX(w, 1, char *));
    }
    else if (!strcasecmp(name, "SecStore") && w->nelts >= 2) {
        c->store_kind = apr_pstrdup(p, APR_ARRAY_IDX(w, 1, char *));
        apr_array_clear(c->store_args);
        for (i = 2; i < w->nelts; i++) {
            const char *a = APR_ARRAY_IDX(w, i, char *);
            if (!strncasecmp(a, "file=", 5)) {
                c->shm_file = root_relative(p, sc, a + 5);
            }
            APR_ARRAY_PUSH(c->store_args, const char *) = a;
        }
    }
    else if ((!strcasecmp(name, "Include") || !strcasecmp(name, "IncludeOptional")) &&
             w->nelts == 2) {
        return include(p, sc, APR_ARRAY_IDX(w, 1, char *), !strcasecmp(name, "IncludeOptional"),
                       depth, err);
    }
    return APR_SUCCESS;
}

static apr_status_t scan_file(apr_pool_t *p, scan_t *sc, const char *path, int depth,
                              const char **err)
{
    char *text, *line, *next;
    apr_size_t len;
    apr_status_t rv;

    if (depth > MAX_DEPTH) {
        *err = apr_psprintf(p, "%s: Include nested too deeply", path);
        return APR_EINVAL;
    }
    if ((rv = sec_file_read_all(p, path, APR_SIZE_MAX, &text, &len)) != APR_SUCCESS) {
        *err = apr_psprintf(p, rv == APR_EINVAL ? "%s is not a regular file" : "cannot read %s",
                            path);
        return rv;
    }
    for (line = text; line; line = next) {
        char *nl = strchr(line, '\n'), *t;
        apr_array_header_t *w;
        /* join continuation lines */
        while (nl && nl > line && nl[-1] == '\\') {
            nl[-1] = ' ';
            *nl = ' ';
            nl = strchr(nl, '\n');
        }
        if (nl) {
            *nl = '\0';
        }
        next = nl ? nl + 1 : NULL;
        t = line;
        while (apr_isspace(*t)) t++;
        if (!*t || *t == '#') {
            continue;
        }
        w = words(p, t);
        if (w->nelts && (rv = directive(p, sc, w, depth, err)) != APR_SUCCESS) {
            return rv;
        }
    }
    return APR_SUCCESS;
}

/* Debian's apache2ctl sources an "envvars" shell file beside apache2.conf
 * that defines APACHE_RUN_DIR and friends; read its plain
 * "export NAME=value" lines so ${APACHE_RUN_DIR} means what httpd sees.
 * Variables already in the environment win, as they do for apache2ctl. */
static void read_envvars(apr_pool_t *p, scan_t *sc, const char *conf_dir)
{
    const char *path = apr_pstrcat(p, conf_dir, "/envvars", NULL);
    apr_file_t *f;
    char line[1024];

    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS) {
        return;
    }
    while (apr_file_gets(line, sizeof(line), f) == APR_SUCCESS) {
        char *s = line, *eq, *v, *e;
        while (apr_isspace(*s)) s++;
        if (strncmp(s, "export ", 7)) {
            continue;
        }
        s += 7;
        if (!(eq = strchr(s, '='))) {
            continue;
        }
        *eq = '\0';
        v = eq + 1;
        for (e = v + strlen(v); e > v && apr_isspace(e[-1]); e--) {
            e[-1] = '\0';
        }
        if (*v == '"' || *v == '\'') {
            char q = *v++;
            if ((e = strchr(v, q))) *e = '\0';
        }
        /* $SUFFIX is set only for multiple instances (apache2@name) */
        if ((e = strstr(v, "$SUFFIX"))) {
            *e = '\0';
        }
        if (!getenv(s) && !strchr(v, '$')) {
            apr_hash_set(sc->defines, apr_pstrdup(p, s), APR_HASH_KEY_STRING, apr_pstrdup(p, v));
        }
    }
    apr_file_close(f);
}

apr_status_t secctl_conf_read(apr_pool_t *p, const char *path, secctl_conf_t *c,
                              const char **err)
{
    scan_t sc;
    char *dir = apr_pstrdup(p, path), *slash = strrchr(dir, '/');

    sc.c = c;
    sc.defines = apr_hash_make(p);
    sc.vhost_depth = 0;
    if (slash) {
        *slash = '\0';
        read_envvars(p, &sc, *dir ? dir : "/");
    }
    if (!c->server_root && slash) {
        /* httpd's default for a config given with -f: its directory is a
         * good guess; ServerRoot in the file overrides. */
        c->server_root = *dir ? dir : "/";
    }
    return scan_file(p, &sc, path, 0, err);
}

void secctl_conf_finish(apr_pool_t *p, secctl_conf_t *c)
{
    if (!c->store_kind) {
        c->store_kind = "shm";
    }
    if (!c->runtime_dir) {
        c->runtime_dir = apr_pstrcat(p, c->server_root ? c->server_root : "/etc/apache2",
                                     "/logs", NULL);
    }
    if (!c->shm_file) {
        c->shm_file = apr_pstrcat(p, c->runtime_dir, "/secmods-store.shm", NULL);
    }
}
