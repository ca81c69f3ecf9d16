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

plan tests => 8;

my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $shm = File::Spec->catfile(Apache::Test::vars('t_logs'), 'secmods-store.shm');
sub secctl { my $out = qx{"$secctl" --shm "$shm" @_ 2>&1}; return ($? >> 8, $out) }

ok t_cmp(GET('/rl/kill')->code, 200, 'open while the switch is off');

my ($rc, $out) = secctl('kill', 'on', 't_maint', '--message', "'Back at ten'");
ok t_cmp($rc, 0, 'secctl kill on') or print "# $out";
my $r;
wait_for(5, sub { ($r = GET('/rl/kill', Accept => 'application/json'))->code == 503 });
ok t_cmp($r->code, 503, '503 while the switch is on');
ok t_cmp($r->content, qr/"code":"TEMPORARILY_DISABLED"/, 'envelope code');
ok t_cmp($r->content, qr/"message":"Back at ten"/, 'the admin\'s message');

($rc, $out) = secctl('kill', 'list');
ok t_cmp($out, qr/^t_maint\s+message: Back at ten$/m, 'kill list shows it');

($rc, $out) = secctl('kill', 'off', 't_maint');
ok t_cmp($rc, 0, 'secctl kill off') or print "# $out";
wait_for(5, sub { ($r = GET('/rl/kill'))->code == 200 });
ok t_cmp($r->code, 200, 'open again');
