# A kill switch flipped with secctl: the location answers 503 with the
# envelope (and the admin's message) while the flag is set.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);
use SecCore qw(events_file secctl_event);

plan tests => 10;

my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $shm = File::Spec->catfile(Apache::Test::vars('t_logs'), 'secmods-store.shm');
sub secctl { my $out = qx{"$secctl" --shm "$shm" @_ 2>&1}; return ($? >> 8, $out) }
# Through the suite's own httpd.conf: the store and the SecEventLog it names.
my $conf = File::Spec->catfile(Apache::Test::vars('t_conf'), 'httpd.conf');
my $events = events_file();

ok t_cmp(GET('/rl/kill')->code, 200, 'open while the switch is off');

my $mark = log_mark($events);
my $out = qx{"$secctl" -f "$conf" kill on t_maint --message 'Back at ten' 2>&1};
my $rc = $? >> 8;
ok t_cmp($rc, 0, 'secctl -f httpd.conf kill on') or print "# $out";
my $ke = secctl_event($mark, 'killswitch.on') || {};
ok t_cmp(join(',', map { $_ // '-' } @{$ke}{qw(switch outcome by)}), 't_maint,done,' . getpwuid($<),
         "an audit event in the config's SecEventLog, when it is made");
my $r;
wait_for(5, sub { ($r = GET('/rl/kill', Accept => 'application/json'))->code == 503 });
ok t_cmp($r->code, 503, '503 while the switch is on');
ok t_cmp($r->content, qr/"code":"TEMPORARILY_DISABLED"/, 'envelope code');
ok t_cmp($r->content, qr/"message":"Back at ten"/, 'the admin\'s message');

($rc, $out) = secctl('kill', 'list');
ok t_cmp($out, qr/^t_maint\s+message: Back at ten$/m, 'kill list shows it');

$mark = log_mark($events);
$out = qx{"$secctl" -f "$conf" kill off t_maint 2>&1};
ok t_cmp($? >> 8, 0, 'secctl kill off') or print "# $out";
ok t_cmp((secctl_event($mark, 'killswitch.off') || {})->{switch}, 't_maint', '... an audit event too');
wait_for(5, sub { ($r = GET('/rl/kill'))->code == 200 });
ok t_cmp($r->code, 200, 'open again');
