/* sec_csrf tokens (sec_csrf.h): sec_csrf_token_verify on attacker bytes,
 * and make/verify round trips with bindings from the input.
 *
 * Input layout: the input up to the first NUL is the token as a client
 * sends it (explicit length, so it may hold any byte but NUL; the whole
 * input when there is no NUL); what follows the NUL is a binding.
 *
 * Invariants: no input verifies unless it is a token made by the keyring
 * for that binding (the fuzzer cannot forge an HMAC: a VALID result for
 * fuzzer bytes is a bug); a made token verifies for its binding, not for
 * the binding with one byte changed, nor under a keyring without its key;
 * made tokens use only [A-Za-z0-9_.-] and fit SEC_CSRF_TOKEN_MAX; the
 * pre-session check accepts what presession_make makes. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_csrf.h"

static const char KEYS[] =
    "key k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n"
    "key k2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8\n"
    "current k2\n";
static const char OTHER[] = "key k2 QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8\ncurrent k2\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    sec_keyring_t *kr = NULL, *other = NULL;
    const char *err = NULL;
    const uint8_t *nul = memchr(data, 0, size);
    size_t tlen = nul ? (size_t)(nul - data) : size;
    char *tok = fz_cstr(data, tlen);
    char *binding = nul ? fz_cstr(nul + 1, size - tlen - 1) : fz_cstr((const uint8_t *)"p:x", 3);
    sec_csrf_token_status_e st;
    char *made, *pre;
    size_t i, blen;

    FZ_ASSERT(sec_keyring_parse(p, KEYS, strlen(KEYS), &kr, &err) == APR_SUCCESS);
    FZ_ASSERT(sec_keyring_parse(p, OTHER, strlen(OTHER), &other, &err) == APR_SUCCESS);

    st = sec_csrf_token_verify(p, kr, binding, tok, tlen);
    FZ_ASSERT(st != SEC_CSRF_TOKEN_VALID);
    FZ_ASSERT(sec_csrf_token_status_name(st) != NULL);
    (void)sec_csrf_token_verify(p, NULL, binding, tok, tlen);
    (void)sec_csrf_token_verify(p, kr, NULL, tok, tlen);

    made = sec_csrf_token_make(p, kr, binding);
    FZ_ASSERT(made != NULL);
    FZ_ASSERT(strlen(made) <= SEC_CSRF_TOKEN_MAX);
    for (i = 0; made[i]; i++) {
        FZ_ASSERT(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", made[i]));
    }
    FZ_ASSERT(sec_csrf_token_verify(p, kr, binding, made, strlen(made)) == SEC_CSRF_TOKEN_VALID);
    FZ_ASSERT(sec_csrf_token_verify(p, other, binding, made, strlen(made)) == SEC_CSRF_TOKEN_MISMATCH);
    blen = strlen(binding);
    if (blen > 0) {
        char *b2 = apr_pstrdup(p, binding);
        b2[blen - 1] ^= 1;
        if (b2[blen - 1] != '\0') {
            FZ_ASSERT(sec_csrf_token_verify(p, kr, b2, made, strlen(made)) == SEC_CSRF_TOKEN_MISMATCH);
        }
    }
    /* the fuzzer's token glued to a made one never verifies either */
    if (tlen > 0) {
        char *glued = apr_pstrcat(p, made, tok, NULL);
        FZ_ASSERT(sec_csrf_token_verify(p, kr, binding, glued, strlen(glued)) != SEC_CSRF_TOKEN_VALID);
    }
    pre = sec_csrf_presession_make(p);
    FZ_ASSERT(pre && sec_csrf_presession_valid(pre));
    if (sec_csrf_presession_valid(tok)) {
        FZ_ASSERT(strlen(tok) == SEC_CSRF_PRESESSION_LEN);
    }

    free(tok);
    free(binding);
    fz_pool_clear(p);
    return 0;
}
