#!/usr/bin/perl
# A legacy CGI printing forms. ?gzip=1: the body gzip'd, with
# Content-Encoding: gzip (as some apps do themselves); ?pieces=1: written
# in many small pieces with autoflush, tags split between writes;
# ?length=1: with the Content-Length of the page as written.
use strict;
use warnings;

my $q = $ENV{QUERY_STRING} // '';
my $page = <<'HTML';
<!DOCTYPE html>
<html><head><title>cgi forms</title></head><body>
<form method="post" action="/cgi-bin/csrf-echo.cgi" id="c-post"><input name="a"></form>
<FORM METHOD=POST id="c-upper"><INPUT NAME=a></FORM>
<form method="get" id="c-get"></form>
<form method="post" id="c-existing"><input type="hidden" name="_csrf" value="mine"></form>
</body></html>
HTML
if ($q =~ /(?:^|&)gzip=1/) {
    require IO::Compress::Gzip;
    my $gz;
    IO::Compress::Gzip::gzip(\$page => \$gz) or die;
    binmode STDOUT;
    print "Content-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n", $gz;
    exit 0;
}
if ($q =~ /(?:^|&)length=1/) {
    print "Content-Type: text/html; charset=utf-8\r\nContent-Length: ", length($page), "\r\n\r\n", $page;
    exit 0;
}
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
if ($q =~ /(?:^|&)pieces=1/) {
    $| = 1;
    print substr($page, $_, 3) for map { $_ * 3 } 0 .. int(length($page) / 3);
    exit 0;
}
print $page;
