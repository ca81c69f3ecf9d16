# A graceful restart keeps the embedded store's contents and picks up a
# rotated key file; loose permissions on the key file are warned about.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 8;

my $logs = Apache::Test::vars('t_logs');
my $errlog = File::Spec->catfile($logs, 'error_log');
ok t_cmp(log_since($errlog, 0), qr/SEC02006: SecKeyFile .*test\.keys is readable or writable by group or others/,
         'the 0644 test key file is warned about at startup');

my $keys = File::Spec->catfile($FindBin::Bin, 'conf', 'test.keys');
my $secctl = File::Spec->catfile(build_dir(), 'secctl');
open my $fh, '<', $keys or die $!;
my $saved = do { local $/; <$fh> };
close $fh;

my $k = "restart-$$";
ok t_cmp(store_op(undef, 'set', $k, val => 'survives')->{result}, 'ok', 'set before the restart');
ok t_cmp(status_doc(undef)->{keyring}{current}, 't2', 'current key before');

sub graceful_and_wait {
    my ($want_current) = @_;
    my $pidfile = File::Spec->catfile($logs, 'httpd.pid');
    open my $p, '<', $pidfile or die "$pidfile: $!";
    chomp(my $pid = <$p>);
    close $p;
    my $mark = log_mark($errlog);
    kill 'USR1', $pid or die "kill USR1 $pid: $!";
    wait_for_log($errlog, $mark, qr/resuming normal operations/, 20)
        or die "no restart seen in the error log\n";
    my $cur = '';
    wait_for(10, sub { ($cur = eval { status_doc(undef)->{keyring}{current} } // '') eq $want_current });
    return $cur;
}

my $rotated = 0;
eval {
    system($secctl, 'rotate', $keys, '--id', 't3') == 0 or die "secctl rotate failed\n";
    $rotated = 1;
    ok t_cmp(graceful_and_wait('t3'), 't3', 'after a graceful restart the rotated key is current');
    ok t_cmp(status_doc(undef)->{keyring}{keys}, 3, 'three keys');
    ok t_cmp(store_op(undef, 'get', $k)->{value}, 'survives', 'the shm store kept its data');
    1;
} or do { print "# $@"; ok 0 for 1 .. 3 };

# Put the committed key file back and restart again, so later tests and
# later runs see the original keys.
if ($rotated) {
    open my $w, '>', $keys or die $!;
    print $w $saved;
    close $w;
    chmod 0644, $keys;
    ok t_cmp(graceful_and_wait('t2'), 't2', 'restored key file is current again');
}
else {
    ok 0;
}
ok t_cmp(store_op(undef, 'get', $k)->{value}, 'survives', 'data kept across two restarts');
