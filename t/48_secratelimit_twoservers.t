# Two httpd servers sharing the memcached pair, one client alternating
# between them: a rate of N per window admits at most N + 5%, with each
# server leasing tokens (400/1m leases 10 per round trip).
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use File::Temp qw(tempdir);
use POSIX qw(WNOHANG);
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 5;

# --- a second server, started and stopped by this test ------------------------
my $dir = tempdir('second-httpd.XXXXXX', DIR => $ENV{SECMODS_STATE} || File::Spec->tmpdir,
                  CLEANUP => 1);
my $port = free_port();
my $mpm = $ENV{SECMODS_MPM} || 'event';
my $moddir = SecTest::httpd_moddir();
my $libs = File::Spec->catfile(build_dir(), '.libs');
mkdir "$dir/htdocs";
open my $fh, '>', "$dir/httpd.conf" or die $!;
print $fh <<"EOF";
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error_log"
DefaultRuntimeDir "$dir"
DocumentRoot "$dir/htdocs"
LoadModule mpm_${mpm}_module "$moddir/mod_mpm_$mpm.so"
LoadModule authz_core_module "$moddir/mod_authz_core.so"
LoadModule seccore_module "$libs/mod_seccore.so"
LoadModule secratelimit_module "$libs/mod_secratelimit.so"
LoadModule sectest_module "$libs/mod_sectest.so"
SecStore memcached $ENV{SECMODS_MC1} $ENV{SECMODS_MC2} timeout=200ms retry=2s
SecRateLimitZone t_pair rate=400/1m
<Location /pair>
    SetHandler sectest-event
    SecRateLimit t_pair
    Require all granted
</Location>
EOF
close $fh;
system(SecTest::httpd_bin(), '-f', "$dir/httpd.conf", '-k', 'start') == 0
    or die "the second httpd did not start; see $dir/error_log\n";
my $pid;
wait_for(10, sub { open my $p, '<', "$dir/httpd.pid" or return 0; $pid = <$p>; chomp $pid if $pid; $pid });
END {
    if ($pid) {
        kill 'TERM', $pid;
        wait_for(10, sub { !kill 0, $pid });
    }
}
my $second = "http://127.0.0.1:$port/pair";
ok wait_for(10, sub { my $c = GET($second)->code; $c == 200 }) or print "# second server not answering\n";

# The probe above spent one request at the second server.
my %c = (200 => 1);
my $first = url('rlmc', '/pair');
for my $i (1 .. 459) {
    $c{ GET($i % 2 ? $first : $second)->code }++;
}
my $admitted = $c{200} // 0;
print "# admitted $admitted of 460 for a limit of 400\n";
ok $admitted <= 420 or print "# over N + 5%: $admitted\n";
ok $admitted >= 380 or print "# more than 5% under N: $admitted\n";
ok t_cmp(($c{200} // 0) + ($c{429} // 0), 460, 'every answer was 200 or 429');

# Both servers refuse now: the count is shared.
ok t_cmp(GET($second)->code . ' ' . GET($first)->code, '429 429', 'both servers refuse');
