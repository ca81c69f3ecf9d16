/* Reading a whole small file (pages, role files) into memory. */
#ifndef SEC_FILE_H
#define SEC_FILE_H

#include <apr_pools.h>
#include <apr_file_io.h>

/* All of path in *buf (NUL-terminated, *len bytes, from p) when it is a
 * regular file of at most max bytes. APR_EINVAL when it is not a regular
 * file or is larger; otherwise the error of opening or reading it. */
apr_status_t sec_file_read_all(apr_pool_t *p, const char *path, apr_size_t max, char **buf,
                               apr_size_t *len);

#endif
