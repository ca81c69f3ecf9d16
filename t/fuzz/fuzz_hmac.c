/* The two headers of a signed request (sec_session.h): the input is split
 * at the first NUL into X-Timestamp and X-Signature; the rest of the input
 * (after a second NUL) is the body.
 *
 * Invariants: an accepted timestamp is 1-12 digits and prints back as the
 * input (no leading junk, no sign); an accepted signature decodes to 32
 * bytes whose standard base64 has the same 43 significant characters
 * (modulo the alphabet); a MAC computed over the body verifies against its
 * own printed form; the time check is one of its three answers. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *f[3] = {NULL, NULL, NULL};
    int n = fz_split(data, size, "\0", 1, f, 3);
    apr_int64_t ts;
    unsigned char mac[SEC_HMAC_LEN], again[SEC_HMAC_LEN];

    if (sec_hmac_parse_timestamp(f[0], &ts) == APR_SUCCESS) {
        const char *back = apr_psprintf(p, "%" APR_INT64_T_FMT, ts);
        sec_hmac_time_e t = sec_hmac_check_time(ts, 1700000000, 300, 60);
        FZ_ASSERT(ts >= 0 && strlen(f[0]) <= SEC_HMAC_TS_DIGITS_MAX);
        /* leading zeros are digits too; otherwise the text is the number */
        FZ_ASSERT(f[0][0] == '0' || !strcmp(back, f[0]));
        FZ_ASSERT(t == SEC_HMAC_TIME_OK || t == SEC_HMAC_TIME_EXPIRED || t == SEC_HMAC_TIME_FUTURE);
    }
    if (n > 1 && sec_hmac_parse_signature(f[1], mac) == APR_SUCCESS) {
        char *s = sec_hmac_signature_string(p, mac), *a = apr_pstrndup(p, f[1], 43), *c;
        for (c = a; *c; c++) {
            if (*c == '-') *c = '+';
            if (*c == '_') *c = '/';
        }
        FZ_ASSERT(!strncmp(s, a, 43));
        FZ_ASSERT(sec_hmac_parse_signature(s, again) == APR_SUCCESS);
        FZ_ASSERT(!memcmp(mac, again, SEC_HMAC_LEN));
    }
    if (n > 2) {
        sec_buf_t body;
        body.data = f[2];
        body.len = strlen(f[2]);
        sec_hmac_sign("k", 1, f[0], &body, 1, mac);
        FZ_ASSERT(sec_hmac_parse_signature(sec_hmac_signature_string(p, mac), again) ==
                  APR_SUCCESS);
        FZ_ASSERT(!memcmp(mac, again, SEC_HMAC_LEN));
    }
    fz_free_fields(f, n);
    fz_pool_clear(p);
    return 0;
}
