/* The keyring: several secret keys, each with an id, one of them current.
 *
 * File format (text, one statement a line, '#' starts a comment):
 *     key <id> <base64url secret, at least 32 bytes>
 *     current <id>
 * Ids are 1-32 characters of [A-Za-z0-9_-]. New material is signed with the
 * current key and carries its id; material signed with any key still in the
 * file verifies. Rotation: add a key, make it current, remove the old one
 * once what it signed has expired.
 */
#ifndef SEC_KEYRING_H
#define SEC_KEYRING_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_file_info.h>
#include <apr_user.h>

#define SEC_KEY_MIN_LEN 32
#define SEC_KEY_ID_MAX 32

typedef struct {
    const char *id;
    unsigned char *secret;
    apr_size_t len;
} sec_key_t;

typedef struct {
    apr_array_header_t *keys; /* of sec_key_t */
    const sec_key_t *current;
} sec_keyring_t;

/* Parse keyring text. On failure *err says what and on which line (never the
 * secret). Secrets are wiped when p is cleared. */
apr_status_t sec_keyring_parse(apr_pool_t *p, const char *text, apr_size_t len,
                               sec_keyring_t **out, const char **err);

/* What sec_keyring_load says of a file it read, as flags. */
#define SEC_KEYRING_LOOSE_MODE  1  /* group or others can read or write it */
#define SEC_KEYRING_OTHER_OWNER 2  /* owned by another user than the reader:
                                    * that user can replace the keys */

/* Read and parse a file. *perm_warning gets the flags above (0: all well). */
apr_status_t sec_keyring_load(apr_pool_t *p, const char *path, sec_keyring_t **out,
                              const char **err, int *perm_warning);

/* The flags for a file of mode prot owned by owner, read by reader. */
int sec_keyring_perm_flags(apr_fileperms_t prot, apr_uid_t owner, apr_uid_t reader);

/* The flags in words, for a log line: "is readable or writable by group or
 * others", "is owned by another user", or both. */
const char *sec_keyring_perm_text(int flags);

const sec_key_t *sec_keyring_find(const sec_keyring_t *kr, const char *id, apr_size_t idlen);

int sec_keyring_id_valid(const char *id, apr_size_t len);

/* An empty keyring. */
sec_keyring_t *sec_keyring_make(apr_pool_t *p);

/* Add a fresh random key (id NULL: a date-based id is generated); make it
 * current when make_current. */
apr_status_t sec_keyring_add_random(apr_pool_t *p, sec_keyring_t *kr, const char *id,
                                    int make_current, const sec_key_t **added);

/* Serialise to the file format. */
char *sec_keyring_format(apr_pool_t *p, const sec_keyring_t *kr);

/* Write atomically (temp file + rename) with mode 0600. */
apr_status_t sec_keyring_save(apr_pool_t *p, const sec_keyring_t *kr, const char *path);

#endif
