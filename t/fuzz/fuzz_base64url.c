/* sec_base64url_decode / sec_base64url_encode (sec_crypto.h) on raw bytes
 * with an explicit length (no NUL terminator: the decoder must not look past
 * slen). The decoder is strict, so decode then encode gives back the input
 * exactly; encode then decode gives back any byte string. */
#include <string.h>
#include "fz_support.h"
#include "sec_crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    /* An exact-size copy: libFuzzer's buffer is exact too, but be explicit. */
    char *in = malloc(size ? size : 1);
    unsigned char *out = NULL, *back = NULL;
    apr_size_t outlen = 0, backlen = 0;
    char *enc;

    memcpy(in, data, size);
    if (sec_base64url_decode(p, in, size, &out, &outlen) == APR_SUCCESS) {
        FZ_ASSERT(out != NULL);
        FZ_ASSERT(size % 4 != 1);
        FZ_ASSERT(outlen == size / 4 * 3 + (size % 4 ? size % 4 - 1 : 0));
        FZ_ASSERT(out[outlen] == '\0');      /* "NUL-terminated for convenience" */
        enc = sec_base64url_encode(p, out, outlen);
        FZ_ASSERT(enc != NULL);
        FZ_ASSERT(strlen(enc) == size && !memcmp(enc, in, size));
    }

    /* The other direction: any bytes survive encode + decode. */
    enc = sec_base64url_encode(p, data, size);
    FZ_ASSERT(enc != NULL);
    FZ_ASSERT(strlen(enc) == (size * 4 + 2) / 3);
    FZ_ASSERT(strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
              strlen(enc));
    FZ_ASSERT(sec_base64url_decode(p, enc, strlen(enc), &back, &backlen) == APR_SUCCESS);
    FZ_ASSERT(backlen == size && !memcmp(back, data, size));

    free(in);
    fz_pool_clear(p);
    return 0;
}
