/* sec_keyring_parse (sec_keyring.h) on raw bytes with an explicit length: the
 * key file is root-owned, but it is hand-edited and read by every child, so a
 * typo must be an error message, never a crash. When parsing succeeds,
 * sec_keyring_format + parse again must give the same keys and current key.
 * Also: an error message never contains a secret, and every secret is wiped
 * when the pool is cleared (checked from the pool-clear hook). */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_keyring.h"

#define MAX_TRACK 64

static struct {
    const unsigned char *secret;
    apr_size_t len;
} tracked[MAX_TRACK];
static int ntracked;

static void track_keys(const sec_keyring_t *kr)
{
    int i;
    for (i = 0; i < kr->keys->nelts && ntracked < MAX_TRACK; i++) {
        const sec_key_t *k = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        tracked[ntracked].secret = k->secret;
        tracked[ntracked].len = k->len;
        ntracked++;
    }
}

/* Runs after the pool's cleanups, before the shim frees the memory. */
static void check_wiped(void *baton)
{
    int i;
    apr_size_t j;

    for (i = 0; i < ntracked; i++) {
        for (j = 0; j < tracked[i].len; j++) {
            FZ_ASSERT(tracked[i].secret[j] == 0);   /* "Secrets are wiped when p is cleared" */
        }
    }
    ntracked = 0;
}

/* The error must not quote a secret: the third word of a "key" line, when it
 * is longer than any id could be and does not also appear as another word. */
static void check_err_has_no_secret(const uint8_t *data, size_t size, const char *err)
{
    char *text = fz_cstr(data, size), *line, *next, *save;
    apr_array_header_t *secrets, *others;
    apr_pool_t *tmp;
    int i, j;

    apr_pool_create(&tmp, NULL);
    secrets = apr_array_make(tmp, 4, sizeof(char *));
    others = apr_array_make(tmp, 16, sizeof(char *));
    for (line = text; line; line = next) {
        char *w[4] = {NULL, NULL, NULL, NULL}, *hash, *tok;
        int n = 0;
        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        if ((hash = strchr(line, '#'))) {
            *hash = '\0';
        }
        for (tok = apr_strtok(line, " \t\r", &save); tok; tok = apr_strtok(NULL, " \t\r", &save)) {
            if (n < 4) {
                w[n] = tok;
            }
            n++;
        }
        for (i = 0; i < n && i < 4; i++) {
            if (n == 3 && i == 2 && !strcmp(w[0], "key") && strlen(w[2]) > SEC_KEY_ID_MAX) {
                APR_ARRAY_PUSH(secrets, char *) = w[i];
            }
            else {
                APR_ARRAY_PUSH(others, char *) = w[i];
            }
        }
    }
    for (i = 0; i < secrets->nelts; i++) {
        const char *sec = APR_ARRAY_IDX(secrets, i, char *);
        int elsewhere = 0;
        for (j = 0; j < others->nelts; j++) {
            if (strstr(APR_ARRAY_IDX(others, j, char *), sec)) {
                elsewhere = 1;
            }
        }
        if (!elsewhere && strstr(err, sec)) {
            fprintf(stderr, "error message quotes a secret: %s\n", err);
            FZ_ASSERT(!"error message contains a secret");
        }
    }
    apr_pool_destroy(tmp);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    sec_keyring_t *kr = NULL, *kr2 = NULL;
    const char *err = NULL, *err2 = NULL;
    char *text;
    int i;

    if (fz_shim_enabled()) {
        fz_set_clear_hook(check_wiped, NULL);
    }
    if (sec_keyring_parse(p, (const char *)data, size, &kr, &err) != APR_SUCCESS) {
        FZ_ASSERT(err != NULL);
        check_err_has_no_secret(data, size, err);
        fz_pool_clear(p);
        return 0;
    }
    FZ_ASSERT(kr && kr->keys && kr->keys->nelts > 0);
    FZ_ASSERT(kr->current != NULL);
    track_keys(kr);
    for (i = 0; i < kr->keys->nelts; i++) {
        const sec_key_t *k = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        FZ_ASSERT(sec_keyring_id_valid(k->id, strlen(k->id)));
        FZ_ASSERT(k->len >= SEC_KEY_MIN_LEN);
        FZ_ASSERT(sec_keyring_find(kr, k->id, strlen(k->id)) == k);   /* ids unique */
    }
    FZ_ASSERT(sec_keyring_find(kr, kr->current->id, strlen(kr->current->id)) == kr->current);

    /* Round trip through the file format. */
    text = sec_keyring_format(p, kr);
    FZ_ASSERT(text != NULL);
    if (sec_keyring_parse(p, text, strlen(text), &kr2, &err2) != APR_SUCCESS) {
        fprintf(stderr, "re-parse of formatted keyring failed: %s\n", err2 ? err2 : "?");
        FZ_ASSERT(!"formatted keyring does not parse");
    }
    track_keys(kr2);
    FZ_ASSERT(kr2->keys->nelts == kr->keys->nelts);
    for (i = 0; i < kr->keys->nelts; i++) {
        const sec_key_t *a = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        const sec_key_t *b = &APR_ARRAY_IDX(kr2->keys, i, sec_key_t);
        FZ_ASSERT(!strcmp(a->id, b->id));
        FZ_ASSERT(a->len == b->len && !memcmp(a->secret, b->secret, a->len));
    }
    FZ_ASSERT(kr2->current && !strcmp(kr2->current->id, kr->current->id));

    fz_pool_clear(p);
    return 0;
}
