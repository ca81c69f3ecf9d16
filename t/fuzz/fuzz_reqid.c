/* sec_reqid_valid (sec_reqid.h) on the NUL-terminated input: request ids
 * accepted from a trusted upstream header end up in log lines and response
 * headers, so a valid one must not be able to split either. */
#include <string.h>
#include <apr_lib.h>
#include "fz_support.h"
#include "sec_reqid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    static int once;
    char *s = fz_cstr(data, size);

    if (!once) {
        char *g = sec_reqid_generate(p);
        once = 1;
        FZ_ASSERT(!sec_reqid_valid(NULL));
        FZ_ASSERT(g && strlen(g) == 22 && sec_reqid_valid(g));
    }
    if (sec_reqid_valid(s)) {
        const char *c;
        size_t n = strlen(s);
        FZ_ASSERT(n >= 1 && n <= SEC_REQID_MAX);
        FZ_ASSERT(!strpbrk(s, "\r\n \t\"'\\,;<>"));
        for (c = s; *c; c++) {
            FZ_ASSERT(apr_isalnum(*c) || strchr("._:@+=-", *c));
            FZ_ASSERT((unsigned char)*c > 0x20 && (unsigned char)*c < 0x7f);
        }
    }

    free(s);
    fz_pool_clear(p);
    return 0;
}
