/* sec_store_key (sec_store.h) on the NUL-terminated input: store keys are
 * built from session ids, user names and client addresses, and must come out
 * as a valid memcached key whatever they contain.
 * Contract: "<ns>:<key>" when that is at most 200 bytes of printable non-space
 * ASCII (and key doesn't start with '#'), else "<ns>:#<base64url(sha256)>";
 * ns is 1-32 characters of [a-z0-9_-], anything else gives NULL. */
#include <string.h>
#include "fz_support.h"
#include "sec_store.h"

static int plain_ok(const char *ns, const char *key)
{
    const char *c;
    if (strlen(ns) + 1 + strlen(key) > SEC_STORE_KEY_MAX || key[0] == '#') {
        return 0;
    }
    for (c = key; *c; c++) {
        if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

static int ns_valid(const char *ns)
{
    size_t n = strlen(ns);
    return n >= 1 && n <= 32 && strspn(ns, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static void check_key(apr_pool_t *p, const char *ns, const char *key)
{
    const char *r = sec_store_key(p, ns, key), *c;
    size_t nslen = strlen(ns);

    if (!ns_valid(ns)) {
        FZ_ASSERT(r == NULL);
        return;
    }
    FZ_ASSERT(r != NULL);
    FZ_ASSERT(strlen(r) <= SEC_STORE_KEY_MAX + 3);      /* the brief's 203 */
    FZ_ASSERT(strlen(r) <= 250);                        /* memcached's own limit */
    for (c = r; *c; c++) {
        FZ_ASSERT((unsigned char)*c > ' ' && (unsigned char)*c < 0x7f);
    }
    FZ_ASSERT(!strncmp(r, ns, nslen) && r[nslen] == ':');
    if (plain_ok(ns, key)) {
        FZ_ASSERT(!strcmp(r + nslen + 1, key));
    }
    else {
        /* '#' + 43 characters of base64url(32 bytes) */
        FZ_ASSERT(r[nslen + 1] == '#' && strlen(r + nslen + 2) == 43);
        FZ_ASSERT(strspn(r + nslen + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789-_") == 43);
    }
    /* Deterministic. */
    FZ_ASSERT(!strcmp(r, sec_store_key(p, ns, key)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *s = fz_cstr(data, size);
    const char *nl;

    check_key(p, "fz", s);
    FZ_ASSERT(sec_store_key(p, "fz", NULL) == NULL);
    /* The input as a namespace, too (validated, never trusted). */
    check_key(p, s, "k");
    /* Before the first newline: namespace; after: key. */
    if ((nl = strchr(s, '\n'))) {
        char *ns = fz_cstr(data, (size_t)(nl - s));
        check_key(p, ns, nl + 1);
        free(ns);
    }

    free(s);
    fz_pool_clear(p);
    return 0;
}
