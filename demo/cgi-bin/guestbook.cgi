#!/bin/bash
# A legacy CGI guestbook of the kind the secmods modules protect: a form that
# posts a message and a page that shows it back (HTML-escaped; nothing is
# stored). A shell script, as such scripts often are.

escape_html() {
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&#39;/g"
}

# application/x-www-form-urlencoded value of field $1 in stdin, decoded.
form_field() {
    tr '&' '\n' | sed -n "s/^$1=//p" | head -n 1 |
        sed -e 's/+/ /g' -e 's/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g' |
        while IFS= read -r line || [ -n "$line" ]; do printf '%b' "$line"; done  # bash's %b knows \xHH
}

message=""
if [ "$REQUEST_METHOD" = POST ]; then
    len=${CONTENT_LENGTH:-0}
    case $len in ''|*[!0-9]*) len=0 ;; esac
    [ "$len" -le 65536 ] || len=0
    body=$(head -c "$len")
    message=$(printf '%s' "$body" | form_field message | escape_html)
fi

printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
cat <<HTML
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Guestbook</title></head>
<body>
<h1>Guestbook</h1>
HTML
if [ -n "$message" ]; then
    printf '<p>You wrote: <q>%s</q></p>\n' "$message"
fi
cat <<HTML
<form method="post" action="/cgi-bin/guestbook.cgi">
<label>Message <input type="text" name="message" maxlength="200"></label>
<button type="submit">Sign</button>
</form>
<p><a href="/">Back</a></p>
</body>
</html>
HTML
