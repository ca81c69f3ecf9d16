#!/bin/sh
# A legacy login endpoint: 200 for the right password, 401 otherwise.
case "$QUERY_STRING" in
    *password=right*) printf 'Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nwelcome\n' ;;
    *) printf 'Status: 401 Unauthorized\r\nContent-Type: text/plain\r\n\r\nwrong password\n' ;;
esac
