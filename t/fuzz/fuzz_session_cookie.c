/* sec_session_cookie_parse (sec_session.h) on the NUL-terminated input: the
 * session cookie's value, fully attacker-controlled. The keyring is fixed
 * (two test keys, one current), so inputs found by the fuzzer replay.
 *
 * Invariants: only a value this code could have made is accepted -- a
 * version "1", a key of the ring, a 43-character canonical base64url id,
 * and re-making the cookie for that id with that key gives the input back
 * byte for byte; refusals never set the id. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_session.h"

static const char KEYS[] =
    "key t1 lzVikPg8ISQWZRCGnbvWoIDHgb1BXWQgFJ0qD8LFlB4\n"
    "key t2 dgTfSoYBKwusqBDhsyh9jwthIRPIOAagmkBnF3iEEQk\n"
    "current t2\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static apr_pool_t *keep;
    static sec_session_keys_t *ks;
    apr_pool_t *p = fz_init();
    char *s = fz_cstr(data, size);
    const char *id = NULL, *kid = NULL;
    sec_session_cookie_e e;

    if (!keep) {
        sec_keyring_t *kr;
        const char *err;
        apr_pool_create(&keep, NULL);
        FZ_ASSERT(sec_keyring_parse(keep, KEYS, sizeof(KEYS) - 1, &kr, &err) == APR_SUCCESS);
        ks = sec_session_keys_make(keep, kr, "session-cookie");
        FZ_ASSERT(ks && !strcmp(ks->current->kid, "t2"));
    }
    e = sec_session_cookie_parse(p, ks, s, &id, &kid);
    FZ_ASSERT(e == SEC_SC_OK || e == SEC_SC_MALFORMED || e == SEC_SC_UNKNOWN_KEY ||
              e == SEC_SC_BAD_MAC);
    FZ_ASSERT(sec_session_cookie_reason(e) != NULL);
    if (e == SEC_SC_OK) {
        sec_session_keys_t one = *ks;
        char *again;
        FZ_ASSERT(id && kid && strlen(id) == 43);
        one.current = sec_session_keys_find(ks, kid, strlen(kid));
        FZ_ASSERT(one.current != NULL);
        again = sec_session_cookie_make(p, &one, id);
        FZ_ASSERT(again && !strcmp(again, s));
        FZ_ASSERT(sec_session_ref_valid(sec_session_ref(p, id)));
    }
    else {
        FZ_ASSERT(id == NULL && kid == NULL);
    }
    free(s);
    fz_pool_clear(p);
    return 0;
}
