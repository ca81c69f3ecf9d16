# Configuration mistakes fail `apache2 -t` with a message that names the
# directive and the bad value; a good configuration passes.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Temp qw(tempdir);
use SecTest qw(:all);

my $keys = File::Spec->catfile($FindBin::Bin, 'conf', 'test.keys');
my $tmp = tempdir(CLEANUP => 1);
my $short = "$tmp/short.keys";
open my $fh, '>', $short or die $!;
print $fh "key k1 c2hvcnQ\n";      # 5 bytes
close $fh;

my @bad = (
    ['SecStore shm size=12Q',                           qr/SecStore shm size=12Q/],
    ['SecStore shm size=100K',                          qr/SecStore shm size=100K/],
    ['SecStore shm bogus=1',                            qr/SecStore shm: unknown option 'bogus=1'/],
    ['SecStore redis 127.0.0.1:6379',                   qr/SecStore: unknown store 'redis'/],
    ['SecStore memcached',                              qr/SecStore memcached: no memcached server/],
    ['SecStore memcached 127.0.0.1:0',                  qr/SecStore memcached: '127\.0\.0\.1:0' is not a server address/],
    ['SecStore memcached 127.0.0.1:11211 timeout=5x',   qr/SecStore memcached: timeout=5x/],
    ['SecStore memcached 127.0.0.1:11211 colour=red',   qr/SecStore memcached: unknown option 'colour=red'/],
    ['SecStore memcached 127.0.0.1:1 replicas=1',       qr/SecStore memcached: replicas=1 needs at least 2 servers/],
    ["SecKeyFile $tmp/missing.keys",                    qr/SecKeyFile \Q$tmp\E\/missing\.keys: cannot open/],
    ["SecKeyFile $short",                               qr/SecKeyFile \Q$short\E: line 1: key 'k1' is 5 bytes/],
    ['SecRequestIDTrustFrom 10.0.0.1/8',                qr{SecRequestIDTrustFrom: '10\.0\.0\.1/8' is not an IP address or CIDR}],
    ['SecRequestIDHeader X(Request)',                   qr/SecRequestIDHeader X\(Request\): not a valid header name/],
    ["<Location /x>\nSecStore shm\n</Location>",        qr/SecStore not allowed in <Location> context/],
    ["<VirtualHost 127.0.0.1:80>\nSecStore shm size=8M\n</VirtualHost>",
                                                        qr/SecStore shm size=: the embedded store is one per server/],
);

plan tests => 2 * @bad + 3;

for my $case (@bad) {
    my ($conf, $want) = @$case;
    my ($rc, $out) = configtest($conf);
    ok $rc != 0 or print "# accepted: $conf\n";
    ok t_cmp($out, $want, "message for: $conf");
}

my ($rc, $out) = configtest(<<"EOF");
SecStore memcached 127.0.0.1:11211 [::1]:11212 timeout=50ms retry=10s failures=3 replicas=1 pool=8 prefix=app1:
SecKeyFile $keys
SecEventLog logs/events.log
SecEventLogTruncateIP on
SecRequestIDHeader X-Correlation-ID
SecRequestIDTrustFrom 10.0.0.0/8, 2001:db8::/32 127.0.0.1
EOF
ok t_cmp($rc, 0, 'a complete good configuration passes');
ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');

($rc, $out) = configtest("SecStore shm size=32M file=logs/store.shm\n");
ok t_cmp($rc, 0, 'shm with size and file passes');
