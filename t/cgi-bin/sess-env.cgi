#!/usr/bin/perl
# Prints what the application sees of the user and the request: the
# variables mod_secsession sets, and every HTTP_* header variable.
use strict;
use warnings;

print "Content-Type: text/plain\r\n\r\n";
for my $k (qw(REMOTE_USER AUTH_TYPE SECSESSION_USER SECSESSION_ROLES SECSESSION_REF)) {
    printf "%s=%s\n", $k, $ENV{$k} // '';
}
for my $k (sort grep { /^HTTP_/ } keys %ENV) {
    printf "%s=%s\n", $k, $ENV{$k};
}
