#!/bin/sh
# An app with its own (too open) CORS answer.
printf 'Content-Type: application/json\r\n'
printf 'Access-Control-Allow-Origin: *\r\n'
printf 'Access-Control-Allow-Credentials: true\r\n'
printf 'Vary: Origin\r\n'
printf '\r\n{"ok":true}\n'
