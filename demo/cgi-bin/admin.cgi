#!/bin/bash
# The demo's "admin area": a legacy script that trusts REMOTE_USER, which
# mod_secsession sets from the session (a client can't forge it: the
# identity headers and variables are stripped from requests first).
escape_html() {
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&#39;/g"
}
user=$(printf '%s' "${REMOTE_USER:-}" | escape_html)
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
cat <<HTML
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Admin</title></head>
<body>
<h1>Admin area</h1>
<p>Signed in as <strong>$user</strong> (a server-side session: logging out ends it on the server).</p>
<form method="post" action="/logout"><button>Log out</button></form>
<p><a href="/">Back</a></p>
</body>
</html>
HTML
