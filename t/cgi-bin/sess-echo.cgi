#!/usr/bin/perl
# A webhook receiver: reports the body it got (length and SHA-256) and who
# signed it, and echoes small bodies. ?eof=1 reads stdin to its end instead
# of CONTENT_LENGTH bytes, as an application behind SetInputFilter DEFLATE
# must (CONTENT_LENGTH is then the compressed length, as httpd documents).
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);

binmode STDIN;
my $body = '';
if (($ENV{QUERY_STRING} // '') =~ /(?:^|&)eof=1/) {
    local $/;
    $body = <STDIN> // '';
}
elsif (defined $ENV{CONTENT_LENGTH} && $ENV{CONTENT_LENGTH} =~ /^\d+$/) {
    my $left = $ENV{CONTENT_LENGTH};
    while ($left > 0) {
        my $n = read STDIN, my $buf, $left > 65536 ? 65536 : $left;
        last unless $n;
        $body .= $buf;
        $left -= $n;
    }
}
print "Content-Type: text/plain\r\n\r\n";
printf "method=%s\n", $ENV{REQUEST_METHOD} // '';
printf "content_length=%s\n", $ENV{CONTENT_LENGTH} // '';
printf "content_type=%s\n", $ENV{CONTENT_TYPE} // '';
printf "user=%s\n", $ENV{REMOTE_USER} // '';
printf "auth_type=%s\n", $ENV{AUTH_TYPE} // '';
printf "key_id=%s\n", $ENV{SECSESSION_HMAC_KEY_ID} // '';
printf "length=%d\n", length $body;
printf "sha256=%s\n", sha256_hex($body);
print "body=$body\n" if length $body <= 256;
