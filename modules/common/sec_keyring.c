/* The keyring; see sec_keyring.h for the file format. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include "sec_keyring.h"
#include "sec_crypto.h"

#define KEYRING_FILE_MAX (256 * 1024)

static apr_status_t wipe_key(void *data)
{
    sec_key_t *k = data;
    sec_cleanse(k->secret, k->len);
    return APR_SUCCESS;
}

int sec_keyring_id_valid(const char *id, apr_size_t len)
{
    apr_size_t i;

    if (len == 0 || len > SEC_KEY_ID_MAX) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isalnum(id[i]) && id[i] != '_' && id[i] != '-') {
            return 0;
        }
    }
    return 1;
}

sec_keyring_t *sec_keyring_make(apr_pool_t *p)
{
    sec_keyring_t *kr = apr_pcalloc(p, sizeof(*kr));
    kr->keys = apr_array_make(p, 4, sizeof(sec_key_t));
    return kr;
}

const sec_key_t *sec_keyring_find(const sec_keyring_t *kr, const char *id, apr_size_t idlen)
{
    int i;

    for (i = 0; kr && i < kr->keys->nelts; i++) {
        const sec_key_t *k = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        if (strlen(k->id) == idlen && !memcmp(k->id, id, idlen)) {
            return k;
        }
    }
    return NULL;
}

/* Splits line into at most 3 whitespace-separated words. */
static int split_words(char *line, char *w[3])
{
    int n = 0;
    char *last = NULL, *tok = apr_strtok(line, " \t\r", &last);

    while (tok && n < 3) {
        w[n++] = tok;
        tok = apr_strtok(NULL, " \t\r", &last);
    }
    return tok ? 4 : n;
}

apr_status_t sec_keyring_parse(apr_pool_t *p, const char *text, apr_size_t len,
                               sec_keyring_t **out, const char **err)
{
    sec_keyring_t *kr = sec_keyring_make(p);
    char *buf = apr_pstrmemdup(p, text, len), *line, *last = NULL;
    const char *current = NULL;
    int lineno = 0, current_line = 0;
    apr_status_t rv = APR_EINVAL;

    if (memchr(text, '\0', len)) {
        *err = "keyring contains a NUL byte";
        goto done;
    }
    /* apr_strtok skips empty lines, so count lines by hand. */
    line = buf;
    while (line && *line) {
        char *nl = strchr(line, '\n'), *w[3];
        int n;
        if (nl) {
            *nl = '\0';
        }
        lineno++;
        last = strchr(line, '#');
        if (last) {
            *last = '\0';
        }
        n = split_words(line, w);
        if (n == 0) {
            /* blank or comment */
        }
        else if (!strcmp(w[0], "key") && n == 3) {
            sec_key_t *k;
            unsigned char *secret;
            apr_size_t slen;
            if (!sec_keyring_id_valid(w[1], strlen(w[1]))) {
                *err = apr_psprintf(p, "line %d: key id must be 1-%d characters of "
                                    "A-Z a-z 0-9 _ -", lineno, SEC_KEY_ID_MAX);
                goto done;
            }
            if (sec_keyring_find(kr, w[1], strlen(w[1]))) {
                *err = apr_psprintf(p, "line %d: duplicate key id '%s'", lineno, w[1]);
                goto done;
            }
            if (sec_base64url_decode(p, w[2], strlen(w[2]), &secret, &slen) != APR_SUCCESS) {
                *err = apr_psprintf(p, "line %d: key '%s' is not base64url", lineno, w[1]);
                goto done;
            }
            if (slen < SEC_KEY_MIN_LEN) {
                *err = apr_psprintf(p, "line %d: key '%s' is %lu bytes; at least %d are "
                                    "needed", lineno, w[1], (unsigned long)slen,
                                    SEC_KEY_MIN_LEN);
                sec_cleanse(secret, slen);
                goto done;
            }
            k = apr_array_push(kr->keys);
            k->id = apr_pstrdup(p, w[1]);
            k->secret = secret;
            k->len = slen;
            apr_pool_cleanup_register(p, k, wipe_key, apr_pool_cleanup_null);
            sec_cleanse(w[2], strlen(w[2]));
        }
        else if (!strcmp(w[0], "current") && n == 2) {
            if (current) {
                *err = apr_psprintf(p, "line %d: 'current' given twice (first on line %d)",
                                    lineno, current_line);
                goto done;
            }
            current = w[1];
            current_line = lineno;
        }
        else {
            *err = apr_psprintf(p, "line %d: expected 'key <id> <secret>' or 'current <id>'",
                                lineno);
            goto done;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (kr->keys->nelts == 0) {
        *err = "no keys in keyring";
        goto done;
    }
    if (current) {
        kr->current = sec_keyring_find(kr, current, strlen(current));
        if (!kr->current) {
            *err = apr_psprintf(p, "line %d: current key '%s' is not defined", current_line,
                                current);
            goto done;
        }
    }
    else if (kr->keys->nelts == 1) {
        kr->current = &APR_ARRAY_IDX(kr->keys, 0, sec_key_t);
    }
    else {
        *err = "several keys but no 'current <id>' line";
        goto done;
    }
    *out = kr;
    rv = APR_SUCCESS;
done:
    sec_cleanse(buf, len);
    return rv;
}

int sec_keyring_perm_flags(apr_fileperms_t prot, apr_uid_t owner, apr_uid_t reader)
{
    int flags = 0;

    if (prot & (APR_FPROT_GREAD | APR_FPROT_WREAD | APR_FPROT_GWRITE | APR_FPROT_WWRITE)) {
        flags |= SEC_KEYRING_LOOSE_MODE;
    }
    if (owner != reader) {
        flags |= SEC_KEYRING_OTHER_OWNER;
    }
    return flags;
}

const char *sec_keyring_perm_text(int flags)
{
    switch (flags & (SEC_KEYRING_LOOSE_MODE | SEC_KEYRING_OTHER_OWNER)) {
    case SEC_KEYRING_LOOSE_MODE:
        return "is readable or writable by group or others";
    case SEC_KEYRING_OTHER_OWNER:
        return "is owned by another user";
    case SEC_KEYRING_LOOSE_MODE | SEC_KEYRING_OTHER_OWNER:
        return "is readable or writable by group or others and owned by another user";
    default:
        return "is fine";
    }
}

apr_status_t sec_keyring_load(apr_pool_t *p, const char *path, sec_keyring_t **out,
                              const char **err, int *perm_warning)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    char *buf;
    apr_size_t n;

    *perm_warning = 0;
    rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, p);
    if (rv != APR_SUCCESS) {
        *err = "cannot open the key file";
        return rv;
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_PROT | APR_FINFO_TYPE |
                           APR_FINFO_USER, f);
    if (rv != APR_SUCCESS || fi.filetype != APR_REG) {
        apr_file_close(f);
        *err = "the key file is not a regular file";
        return rv != APR_SUCCESS ? rv : APR_EINVAL;
    }
    if (fi.size > KEYRING_FILE_MAX) {
        apr_file_close(f);
        *err = "the key file is larger than 256 KiB";
        return APR_EINVAL;
    }
    *perm_warning = sec_keyring_perm_flags(fi.protection, fi.user, geteuid());
    n = (apr_size_t)fi.size;
    buf = apr_palloc(p, n + 1);
    rv = apr_file_read_full(f, buf, n, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        *err = "cannot read the key file";
        return rv;
    }
    rv = sec_keyring_parse(p, buf, n, out, err);
    sec_cleanse(buf, n);
    return rv;
}

apr_status_t sec_keyring_add_random(apr_pool_t *p, sec_keyring_t *kr, const char *id,
                                    int make_current, const sec_key_t **added)
{
    sec_key_t *k;
    unsigned char *secret = apr_palloc(p, SEC_KEY_MIN_LEN);
    apr_status_t rv;

    if (!id) {
        /* A readable, sortable id: k<yyyymmdd><4 random hex>. */
        apr_time_exp_t t;
        unsigned char r[2];
        apr_time_exp_gmt(&t, apr_time_now());
        if ((rv = sec_random_bytes(r, sizeof(r))) != APR_SUCCESS) {
            return rv;
        }
        id = apr_psprintf(p, "k%04d%02d%02d%02x%02x", t.tm_year + 1900, t.tm_mon + 1,
                          t.tm_mday, r[0], r[1]);
    }
    if (!sec_keyring_id_valid(id, strlen(id))) {
        return APR_EINVAL;
    }
    if (sec_keyring_find(kr, id, strlen(id))) {
        return APR_EEXIST;
    }
    if ((rv = sec_random_bytes(secret, SEC_KEY_MIN_LEN)) != APR_SUCCESS) {
        return rv;
    }
    {
        /* Pushing may move the array: re-find current by id afterwards. */
        const char *cur = kr->current ? kr->current->id : NULL;
        k = apr_array_push(kr->keys);
        k->id = apr_pstrdup(p, id);
        k->secret = secret;
        k->len = SEC_KEY_MIN_LEN;
        apr_pool_cleanup_register(p, k, wipe_key, apr_pool_cleanup_null);
        if (make_current || !cur) {
            kr->current = k;
        }
        else {
            kr->current = sec_keyring_find(kr, cur, strlen(cur));
        }
    }
    if (added) {
        *added = k;
    }
    return APR_SUCCESS;
}

char *sec_keyring_format(apr_pool_t *p, const sec_keyring_t *kr)
{
    char *out = apr_pstrdup(p, "# secmods keyring: readable by root only (mode 0600).\n"
                               "# key <id> <base64url secret>; 'current' names the signing key.\n");
    int i;

    for (i = 0; i < kr->keys->nelts; i++) {
        const sec_key_t *k = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        out = apr_pstrcat(p, out, "key ", k->id, " ", sec_base64url_encode(p, k->secret, k->len),
                          "\n", NULL);
    }
    if (kr->current) {
        out = apr_pstrcat(p, out, "current ", kr->current->id, "\n", NULL);
    }
    return out;
}

apr_status_t sec_keyring_save(apr_pool_t *p, const sec_keyring_t *kr, const char *path)
{
    char *tmp = apr_pstrcat(p, path, ".XXXXXX", NULL);
    char *text = sec_keyring_format(p, kr);
    apr_file_t *f = NULL;
    apr_size_t len = strlen(text);
    apr_status_t rv;

    /* mkstemp creates the file 0600 before any secret is written to it. */
    rv = apr_file_mktemp(&f, tmp, APR_FOPEN_CREATE | APR_FOPEN_WRITE | APR_FOPEN_EXCL, p);
    if (rv == APR_SUCCESS) {
        rv = apr_file_perms_set(tmp, APR_FPROT_UREAD | APR_FPROT_UWRITE);
        if (rv == APR_ENOTIMPL) {
            rv = APR_SUCCESS;
        }
    }
    if (rv == APR_SUCCESS) {
        rv = apr_file_write_full(f, text, len, NULL);
    }
    if (rv == APR_SUCCESS) {
        rv = apr_file_sync(f);
    }
    sec_cleanse(text, len);
    if (f) {
        apr_file_close(f);
    }
    if (rv == APR_SUCCESS) {
        rv = apr_file_rename(tmp, path, p);
    }
    if (rv != APR_SUCCESS) {
        apr_file_remove(tmp, p);
    }
    return rv;
}
