/* sec_accept_preferred (sec_accept.h) on the NUL-terminated input: the
 * client's Accept header, fully attacker-controlled. */
#include <string.h>
#include "fz_support.h"
#include "sec_accept.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    char *s = fz_cstr(data, size);
    sec_format_e f;

    if (!once) {
        once = 1;
        FZ_ASSERT(sec_accept_preferred(NULL) == SEC_FORMAT_JSON);
    }
    f = sec_accept_preferred(s);
    FZ_ASSERT(f == SEC_FORMAT_JSON || f == SEC_FORMAT_HTML);
    /* HTML only for clients that name it (text/html or application/xhtml+xml):
     * a header without "html" in it can never select HTML. */
    if (f == SEC_FORMAT_HTML) {
        FZ_ASSERT(strcasestr(s, "html") != NULL);
    }
    /* Deterministic: same header, same answer. */
    FZ_ASSERT(sec_accept_preferred(s) == f);

    free(s);
    return 0;
}
