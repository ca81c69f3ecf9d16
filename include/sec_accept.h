/* Which body format a client prefers for the suite's error responses. */
#ifndef SEC_ACCEPT_H
#define SEC_ACCEPT_H

typedef enum { SEC_FORMAT_JSON = 0, SEC_FORMAT_HTML = 1 } sec_format_e;

/* From an Accept header (may be NULL): HTML when text/html is named with a
 * higher quality than application/json gets (browsers' navigations); JSON
 * otherwise, ties included (APIs, XHR, curl's "* / *"). Never reads past the
 * NUL; any input is valid. */
sec_format_e sec_accept_preferred(const char *accept);

#endif
