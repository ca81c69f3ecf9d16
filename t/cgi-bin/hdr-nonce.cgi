#!/bin/sh
# A CGI that prints the CSP nonce httpd gave it into its own script tag.
printf 'Content-Type: text/html\r\n\r\n'
printf '<html><head><script nonce="%s">ok()</script></head><body>%s</body></html>\n' \
    "$SECMODS_CSP_NONCE" "$SECMODS_CSP_NONCE"
