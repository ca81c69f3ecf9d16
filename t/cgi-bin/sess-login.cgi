#!/usr/bin/perl
# A legacy application's own login script: it checks the password itself
# (here: password=right) and tells mod_secsession who logged in with a
# response header. Query parameters:
#   user, roles, password   the login
#   raw=TEXT                send TEXT as the header value as it is
#   twice=1                 send the header twice
#   status=N                answer with status N (default 302 to /sess/static/private/)
#   header=NAME             use another header name
use strict;
use warnings;

my %q;
for my $pair (split /[&;]/, $ENV{QUERY_STRING} // '') {
    my ($k, $v) = map { my $x = $_ // ''; $x =~ tr/+/ /; $x =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge; $x }
                  split /=/, $pair, 2;
    $q{$k} = $v;
}
my $name = $q{header} // 'X-SecSession-Login';
my $status = $q{status} // 302;
if (($q{password} // '') ne 'right') {
    print "Status: 401 Unauthorized\r\nContent-Type: text/plain\r\n\r\nwrong password\n";
    exit;
}
my $value = defined $q{raw} ? $q{raw}
          : ($q{user} // 'alice') . (defined $q{roles} ? "; roles=$q{roles}" : '');
$value =~ s/[\r\n]//g;
print "Status: $status\r\n";
print "Location: /sess/static/private/\r\n" if $status == 302;
print "$name: $value\r\n";
print "$name: $value\r\n" if $q{twice};
print "Content-Type: text/plain\r\n\r\nwelcome\n";
