/* Small JSON helpers; see sec_json.h. */
#include <stdlib.h>
#include <string.h>
#include "sec_json.h"

json_t *sec_json_string_lossy(const char *v)
{
    json_t *s;
    char *c, *o;

    if (!v) {
        return NULL;
    }
    if ((s = json_string(v)) != NULL) {
        return s;
    }
    c = strdup(v);
    for (o = c; o && *o; o++) {
        if ((unsigned char)*o >= 0x80) {
            *o = '?';
        }
    }
    s = json_string(c ? c : "");
    free(c);
    return s;
}
