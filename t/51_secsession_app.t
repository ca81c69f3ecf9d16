# Logins the application asserts: its own login script answers with
# X-SecSession-Login where SecSessionAcceptLogin is on; the header never
# leaves the server, is ignored anywhere else, and every login gets a new
# session id (a cookie planted before the login is replaced).
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);
use JSON::PP ();

plan tests => 46;

my $errlog = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
my $private = url(undef, '/sess/static/private/');
my $admin = url(undef, '/sess/static/admin/');

# --- a login the application asserts -----------------------------------------------
my $mark = log_mark(events_file());
my $ua = browser();
my $r = app_login($ua, 'alice', 'admin,editor');
ok t_cmp($r->code . ' ' . $r->header('Location'), '302 /sess/static/private/',
         "the application's response goes through (its own redirect)");
ok t_cmp($r->header('X-SecSession-Login'), undef, '... without the login header');
ok t_cmp(session_cookie($r), qr/^1\.t2\./, '... and with the session cookie');
ok t_cmp($ua->get($admin)->code, 200, 'the roles it asserted count (Require secsession-role admin)');
my $ev = events_since($mark, event => 'login.success');
ok t_cmp($ev && join(' ', @$ev{qw(user via roles)}), 'alice app admin,editor', 'login.success event');

# the same script where SecSessionAcceptLogin is not on
$mark = log_mark(events_file());
my $errmark = log_mark($errlog);
my $other = browser();
$r = app_login($other, 'mallory', 'admin', path => '/sess/noaccept/sess-login.cgi');
ok t_cmp($r->code, 302, 'elsewhere the response still goes through');
ok t_cmp($r->header('X-SecSession-Login'), undef, '... without the login header');
ok t_cmp(scalar(grep { /^t_sess=/ } set_cookies($r)), 0, '... and without a session');
ok t_cmp($other->get($private, JSON_ACCEPT)->code, 401, '... so there is none');
ok events_since($mark, event => 'login.app-refused') or print "# no login.app-refused event\n";
ok wait_for_log($errlog, $errmark, qr/SEC05042: .*not on for \/sess\/noaccept\/sess-login\.cgi/)
    or print "# no SEC05042\n";

# --- fixation: whatever cookie the browser brought is replaced ------------------------
# an attacker's valid session planted in the victim's browser
my $attacker = browser();
app_login($attacker, 'mallory', '');
my $planted = cookie_of($attacker, 't_sess');
ok t_cmp($attacker->get($private)->code, 200, "the attacker's session works");
my $victim = api_client();
$r = $victim->get(url(undef, '/sess/app/sess-login.cgi?password=right&user=alice'),
                  Cookie => "t_sess=$planted");
my $fresh = session_cookie($r);
ok $fresh && $fresh ne $planted or print "# the planted cookie was kept\n";
ok t_cmp($victim->get($private, Cookie => "t_sess=$fresh")->code, 200, 'the new cookie works');
ok t_cmp($victim->get(url(undef, '/sess/who/sess-env.cgi'), Cookie => "t_sess=$fresh")->content,
         qr/^REMOTE_USER=alice$/m, '... and is the victim\'s own session');
ok t_cmp($attacker->get($private, JSON_ACCEPT)->code, 401, 'the planted session is ended');
# a cookie the server never issued
$r = $victim->get(url(undef, '/sess/app/sess-login.cgi?password=right&user=alice'),
                  Cookie => 't_sess=1.t2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
ok t_cmp(session_cookie($r), qr/^1\.t2\.(?!AAAAAAAAAAAA)/, 'a forged cookie is replaced by a new session');
# a second login in the same browser: new id, the old session ends
my $before = cookie_of($ua, 't_sess');
app_login($ua, 'alice', 'admin,editor');
my $after = cookie_of($ua, 't_sess');
ok $after ne $before or print "# same id after a second login\n";
ok t_cmp(api_client()->get($private, Cookie => "t_sess=$before", JSON_ACCEPT)->code, 401,
         'the session before the second login is ended');

# --- assertions refused ------------------------------------------------------------------
for my $t (['raw=%3B%20roles%3Dadmin', 'no user'],
           ['raw=alice%3B%20role%3Dadmin', 'an unknown parameter'],
           ['raw=alice%3B%20roles%3Dad%20min', 'a bad role'],
           ['user=alice&twice=1', 'the header twice'],
           ['user=alice&status=403', 'a 403 response']) {
    my $b = browser();
    $errmark = log_mark($errlog);
    $r = $b->get(url(undef, "/sess/app/sess-login.cgi?password=right&$t->[0]"));
    ok t_cmp(scalar(grep { /^t_sess=/ } set_cookies($r)), 0, "no session for $t->[1]");
    ok t_cmp($r->header('X-SecSession-Login'), undef, '... and the header is removed');
}
ok wait_for_log($errlog, $errmark, qr/SEC05043: .* status 403/) or print "# no SEC05043\n";
ok t_cmp(log_since($errlog, 0), qr/SEC05040: X-SecSession-Login from the application refused: unknown parameter 'role'/,
         'a refused assertion is logged with why');

# --- logout through the application ---------------------------------------------------
$mark = log_mark(events_file());
$r = $ua->get(url(undef, '/sess/app/sess-logout.cgi'));
ok t_cmp($r->code, 200, 'the logout script answers');
ok t_cmp($r->header('X-SecSession-Logout'), undef, '... without the logout header');
ok t_cmp(join('|', set_cookies($r)), qr/^t_sess=; Path=\/; Max-Age=0/, '... expiring the cookie');
ok t_cmp($r->header('Clear-Site-Data'), '"cookies", "storage"', '... Clear-Site-Data (SecSessionClearSiteData on)');
ok t_cmp(api_client()->get($private, Cookie => "t_sess=$after", JSON_ACCEPT)->code, 401,
         'the session is gone');
ok events_since($mark, event => 'logout', via => 'app') or print "# no logout event\n";
# the logout header where it is not accepted ends nothing
my $keep = browser();
app_login($keep, 'carol', '');
$r = $keep->get(url(undef, '/sess/noaccept/sess-logout.cgi'));
ok t_cmp($r->header('X-SecSession-Logout'), undef, 'a logout header elsewhere is removed');
ok t_cmp($keep->get($private)->code, 200, '... and ends nothing');

# --- SecSessionAppHeaders login=X-App-Login logout=X-App-Logout (vhost sessapphdr) -----
sub apph_current {
    my $c = shift;
    my $r = api_client()->get(url('sessapphdr', '/current'), Cookie => "t_apph=$c");
    return eval { JSON::PP->new->decode($r->content) } // {};
}
$r = api_client()->get(url('sessapphdr', '/app/sess-login.cgi?password=right&user=erin&header=X-App-Login'));
my $apph = session_cookie($r, 't_apph');
ok t_cmp($apph, qr/^1\.t2\./, 'the renamed login header logs the user in');
ok t_cmp($r->header('X-App-Login'), undef, '... and is removed from the response');
ok t_cmp(apph_current($apph // '')->{user}, 'erin', '... as erin');
$r = api_client()->get(url('sessapphdr', '/app/sess-login.cgi?password=right&user=mallory'));
ok t_cmp(session_cookie($r, 't_apph'), undef, 'the default name logs nobody in there');
$r = api_client()->get(url('sessapphdr', '/app/sess-logout.cgi?header=X-App-Logout'), Cookie => "t_apph=$apph");
ok t_cmp($r->header('X-App-Logout'), undef, 'the renamed logout header is removed');
ok t_cmp(apph_current($apph)->{status}, 'notfound', '... and ends the session');

# --- the default cookie -------------------------------------------------------------------
$r = api_client()->get(url('sessdef', '/app/sess-login.cgi?password=right&user=alice'));
my ($line) = grep { /^__Host-secsession=/ } set_cookies($r);
ok t_cmp($line, qr{^__Host-secsession=1\.t2\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Path=/; Secure; HttpOnly; SameSite=Lax$},
         'the default cookie: __Host- prefix, Path=/, Secure, HttpOnly, SameSite=Lax, no Max-Age');
