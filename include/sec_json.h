/* Small JSON helpers shared by the envelope, events and module documents. */
#ifndef SEC_JSON_H
#define SEC_JSON_H

#include <jansson.h>

/* A JSON string of v that never fails on attacker bytes: jansson refuses
 * invalid UTF-8, so such input comes back with each byte >= 0x80 replaced
 * by '?' instead of the field vanishing. NULL v gives NULL. */
json_t *sec_json_string_lossy(const char *v);

#endif
