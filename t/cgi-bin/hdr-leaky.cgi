#!/bin/sh
# A legacy app that advertises its stack and sets weak headers of its own.
printf 'Content-Type: text/html\r\n'
printf 'X-Powered-By: PHP/5.4.16\r\n'
printf 'X-AspNet-Version: 4.0.30319\r\n'
printf 'X-AspNetMvc-Version: 5.2\r\n'
printf 'X-Internal-Debug: db=10.0.0.5\r\n'
printf 'X-Debug-Token: abc123\r\n'
printf 'X-Frame-Options: ALLOWALL\r\n'
printf 'Content-Security-Policy: default-src *\r\n'
printf 'X-App: kept\r\n'
printf '\r\n'
printf '<html><body>leaky</body></html>\n'
