# Ending sessions from outside: secctl session revoke / logout-user /
# logout-all against the running server's store, "log out everywhere" from
# the logout handler and from the application, secctl session show.
# The main server's store is its shared memory, so secctl reaches the
# local cache too; generation changes are honoured within the cache bound
# (SecSessionCacheTTL, 2 s here): polled, never slept.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Time::HiRes qw(time);
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);

plan tests => 31;

my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $shm = File::Spec->catfile(Apache::Test::vars('t_logs'), 'secmods-store.shm');
# --event-log: with --shm, secctl reads no config to find the SecEventLog
my $events = events_file();
sub secctl { my $out = qx{"$secctl" --shm "$shm" --event-log "$events" @_ 2>&1}; return ($? >> 8, $out) }
my $me = getpwuid($<);

my $private = url(undef, '/sess/static/private/');
sub alive { my $ua = shift; return $ua->get($private, JSON_ACCEPT)->code == 200 }
sub login_as {
    my ($user, $roles) = @_;
    my $ua = browser();
    my $mark = log_mark(events_file());
    app_login($ua, $user, $roles);
    my $ev = events_since($mark, event => 'login.success', user => $user);
    return ($ua, $ev ? $ev->{ref} : '');
}
# wait until the session is refused; returns the seconds it took
sub ends_within {
    my ($ua, $limit) = @_;
    my $t0 = time;
    return wait_for($limit, sub { !alive($ua) }) ? time - $t0 : undef;
}

# --- show and revoke one session -----------------------------------------------------
my ($a1, $ref1) = login_as('alice', 'admin');
my ($a2, $ref2) = login_as('alice', 'admin');
ok alive($a1) && alive($a2) or print "# two sessions of alice\n";
my ($rc, $out) = secctl('session', 'show', $ref1);
ok t_cmp($rc, 0, 'secctl session show') or print "# $out";
ok t_cmp($out, qr/^user:\s+alice$/m, '... the user');
ok t_cmp($out, qr/^roles:\s+admin$/m, '... the roles');
ok t_cmp($out, qr/^login:\s+app from 127\.0\.0\.1$/m, '... how and from where');
ok t_cmp($out, qr/^key id:\s+t2$/m, '... the key id');
ok t_cmp(index($out, cookie_of($a1, 't_sess')), -1, '... never the cookie');
($rc, $out) = secctl('session', 'show', 'nonsense');
ok t_cmp($rc, 2, 'a malformed reference is refused');
($rc, $out) = secctl('session', 'show', 'AAAAAAAAAAAAAAAAAAAAAA');
ok t_cmp($rc, 1, 'an unknown reference: not found');

my $mark = log_mark(events_file());
($rc, $out) = secctl('session', 'revoke', $ref1);
ok t_cmp($rc, 0, 'secctl session revoke') or print "# $out";
my $se = secctl_event($mark, 'session.revoke') || {};
ok t_cmp(join(',', map { $_ // '-' } @{$se}{qw(user ref outcome reason by)}),
         "alice,$ref1,done,admin,$me", 'the revocation is an audit event when it is made, with who did it');
ok t_cmp($se->{requestId}, qr/^[A-Za-z0-9_-]{16,}$/, '... with an id of its own');
ok t_cmp(alive($a1), '', 'the revoked session is refused at once (same machine: the cache entry is gone too)');
ok alive($a2) or print "# the other session of alice was hit\n";
my $ev = events_since($mark, event => 'session.revoked', ref => $ref1);
ok t_cmp($ev && $ev->{reason}, 'ended-revoked', 'session.revoked event, by the reference');
($rc, $out) = secctl('session', 'revoke', $ref1);
ok t_cmp($rc, 1, 'revoking it again: not found');

# --- every session of one user -------------------------------------------------------------
my ($b1) = login_as('bob', '');
$mark = log_mark(events_file());
($rc, $out) = secctl('session', 'logout-user', 'alice');
ok t_cmp($rc, 0, 'secctl session logout-user alice') or print "# $out";
ok t_cmp((secctl_event($mark, 'session.logout-user') || {})->{user}, 'alice', '... an audit event naming her');
my $took = ends_within($a2, 6);
ok defined $took or print "# alice's session did not end\n";
ok !defined $took || $took <= 3.5 or print "# took $took s, more than the 2 s bound\n";
ok alive($b1) or print "# bob was logged out too\n";
my ($a3) = login_as('alice', 'admin');
ok alive($a3) or print "# alice cannot log in again\n";

# --- everyone ---------------------------------------------------------------------------------
$mark = log_mark(events_file());
($rc, $out) = secctl('session', 'logout-all');
ok t_cmp($rc, 0, 'secctl session logout-all') or print "# $out";
ok secctl_event($mark, 'session.logout-all') or print "# no session.logout-all event\n";
ok defined ends_within($b1, 6) && defined ends_within($a3, 6) or print "# not everyone ended\n";
my ($c1) = login_as('carol', '');
ok alive($c1) or print "# no login after logout-all\n";

# --- log out everywhere, from the user's side ---------------------------------------------
my ($d1) = login_as('dave', '');
my ($d2) = login_as('dave', '');
my $r = $d1->post(url(undef, '/sess/logout'), [everywhere => 1]);
ok t_cmp($r->code, 303, 'logout handler with everywhere=1');
ok t_cmp(alive($d1), '', '... this session at once');
ok defined ends_within($d2, 6) or print "# dave's other session survived\n";
my ($e1) = login_as('erin', '');
my ($e2) = login_as('erin', '');
$e1->get(url(undef, '/sess/app/sess-logout.cgi?how=everywhere'));
ok defined ends_within($e2, 6) or print "# X-SecSession-Logout: everywhere missed a session\n";
ok alive($c1) or print "# carol was hit by others' logouts\n";
