/* Request ids; see sec_reqid.h. */
#include <string.h>
#include <apr_lib.h>
#include "sec_reqid.h"
#include "sec_crypto.h"

int sec_reqid_valid(const char *id)
{
    apr_size_t n = 0;

    if (!id) {
        return 0;
    }
    for (; id[n]; n++) {
        char c = id[n];
        if (n >= SEC_REQID_MAX) {
            return 0;
        }
        if (!apr_isalnum(c) && !strchr("._:@+=-", c)) {
            return 0;
        }
    }
    return n > 0;
}

char *sec_reqid_generate(apr_pool_t *p)
{
    return sec_random_token(p, 16);
}
