#!/usr/bin/perl
# A "legacy application" as the modules meet them in the wild: a CGI that
# knows nothing of sessions, CSRF or rate limits. GET shows a form, POST
# echoes the posted message (HTML-escaped) and the request it saw.
use strict;
use warnings;

sub esc {
    my $s = shift // '';
    $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g; $s =~ s/'/&#39;/g;
    return $s;
}

sub parse_form {
    my %f;
    for my $pair (split /[&;]/, shift // '') {
        my ($k, $v) = map { my $x = $_ // ''; $x =~ tr/+/ /; $x =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge; $x }
                      split /=/, $pair, 2;
        $f{$k} = $v if defined $k && length $k;
    }
    return \%f;
}

my $method = $ENV{REQUEST_METHOD} // '';
my $form = parse_form($ENV{QUERY_STRING});
if ($method eq 'POST') {
    my $len = $ENV{CONTENT_LENGTH} // 0;
    $len = 0 unless $len =~ /^\d+$/ && $len <= 65536;
    my $body = '';
    read STDIN, $body, $len if $len;
    %$form = (%$form, %{ parse_form($body) });
}

print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print "<!DOCTYPE html>\n<html><head><title>legacy</title></head><body>\n";
printf "<p>REQUEST_METHOD: %s</p>\n", esc($method);
printf "<p>REMOTE_USER: %s</p>\n", esc($ENV{REMOTE_USER} // '-');
if ($method eq 'POST') {
    printf "<p>message: %s</p>\n", esc($form->{message});
}
print <<'HTML';
<form method="post" action="/cgi-bin/legacy.cgi">
<input type="text" name="message">
<input type="submit" value="Send">
</form>
</body></html>
HTML
