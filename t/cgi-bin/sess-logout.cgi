#!/usr/bin/perl
# A legacy application's logout script: X-SecSession-Logout ends the
# session (how=everywhere ends every session of the user); header=NAME
# sends it under another name.
use strict;
use warnings;

my ($how) = ($ENV{QUERY_STRING} // '') =~ /(?:^|&)how=([a-z0-9]+)/;
my ($name) = ($ENV{QUERY_STRING} // '') =~ /(?:^|&)header=([A-Za-z0-9-]+)/;
print "Status: 200 OK\r\n";
print $name // 'X-SecSession-Logout', ": ", ($how // '1'), "\r\n";
print "Content-Type: text/plain\r\n\r\nbye\n";
