#!/usr/bin/perl
# Echoes what an application behind mod_seccsrf receives: the body (its
# length and SHA-256, so tests can check it arrived intact), CONTENT_LENGTH,
# and the token variables. text/plain; ?html=1 for text/html.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);

binmode STDIN;
my $body = '';
my $len = $ENV{CONTENT_LENGTH};
if (defined $len && $len =~ /^\d+$/) {
    my $got = 0;
    while ($got < $len) {
        my $n = read(STDIN, $body, $len - $got, $got);
        last unless $n;
        $got += $n;
    }
}
elsif (($ENV{REQUEST_METHOD} // '') ne 'GET') {
    local $/;
    $body = <STDIN> // '';
}
my $html = ($ENV{QUERY_STRING} // '') =~ /(?:^|&)html=1/;
print "Content-Type: ", ($html ? "text/html" : "text/plain"), "\r\n\r\n";
print "<pre>\n" if $html;
printf "method=%s\n", $ENV{REQUEST_METHOD} // '';
printf "content_length=%s\n", $ENV{CONTENT_LENGTH} // '-';
printf "transfer_encoding=%s\n", $ENV{HTTP_TRANSFER_ENCODING} // '-';
printf "length=%d\n", length $body;
printf "sha256=%s\n", sha256_hex($body);
printf "token=%s\n", $ENV{SECMODS_CSRF_TOKEN} // '-';
printf "field=%s\n", $ENV{SECMODS_CSRF_FIELD} // '-';
printf "header=%s\n", $ENV{SECMODS_CSRF_HEADER} // '-';
printf "redirect_token=%s\n", $ENV{REDIRECT_SECMODS_CSRF_TOKEN} // '-';
if (length $body <= 4096) {
    (my $b = $body) =~ s/([^\x20-\x7e])/sprintf('\\x%02x', ord $1)/ge;
    $b =~ s/</&lt;/g if $html;
    print "body=$b\n";
}
print "</pre>\n" if $html;
