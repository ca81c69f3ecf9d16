#!/usr/bin/perl
# An app that cannot print the nonce: its script tags arrive in pieces
# (unbuffered writes, one tag split across them).
$| = 1;
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print "<html><head><scr";
print "ipt src=\"/a.js\"></script>";
print "<script>inline()</scr", "ipt>\n";
print "</head><body>done</body></html>\n";
