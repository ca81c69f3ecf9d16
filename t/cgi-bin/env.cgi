#!/bin/sh
# Prints what a legacy CGI app sees of secmods: the request id.
printf 'Content-Type: text/plain\r\n\r\n'
printf 'SECMODS_REQUEST_ID=%s\n' "$SECMODS_REQUEST_ID"
printf 'HTTP_X_REQUEST_ID=%s\n' "$HTTP_X_REQUEST_ID"
