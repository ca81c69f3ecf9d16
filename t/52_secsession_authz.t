# Require valid-user / user / secsession-role with AuthType SecSession,
# roles combined with <RequireAll> (AND) and <RequireAny> (OR), a signed-in
# user the Require lines refuse (403, not a login loop), policy from an
# .htaccess, and SecSessionOptional on (public pages that personalise).
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);

plan tests => 32;

my $json = JSON::PP->new->utf8;
my %ua;
for my $who (['alice', 'admin,editor'], ['bob', 'editor'], ['dave', 'admin'], ['carol', '']) {
    $ua{$who->[0]} = browser();
    my $r = app_login($ua{$who->[0]}, @$who);
    die "login of $who->[0] failed: " . $r->code unless session_cookie($r);
}

sub codes {
    my ($path, @who) = @_;
    return join ' ', map { "$_:" . $ua{$_}->get(url(undef, $path), JSON_ACCEPT)->code } @who;
}

ok t_cmp(codes('/sess/static/private/', qw(alice bob dave carol)),
         'alice:200 bob:200 dave:200 carol:200', 'Require valid-user: every session');
ok t_cmp(codes('/sess/static/admin/', qw(alice bob dave carol)),
         'alice:200 bob:403 dave:200 carol:403', 'Require secsession-role admin');
ok t_cmp(codes('/sess/static/both/', qw(alice bob dave carol)),
         'alice:200 bob:403 dave:403 carol:403', '<RequireAll>: admin AND editor');
ok t_cmp(codes('/sess/static/either/', qw(alice bob dave carol)),
         'alice:200 bob:200 dave:200 carol:403', '<RequireAny>: admin OR editor');
ok t_cmp(codes('/sess/static/bob/', qw(alice bob)), 'alice:403 bob:200', 'Require user bob');

my $r = $ua{bob}->get(url(undef, '/sess/static/admin/'), JSON_ACCEPT);
my $doc = eval { $json->decode($r->content) } // {};
ok t_cmp(join(',', map { $doc->{$_} // '' } qw(code status error)), 'FORBIDDEN,403,Forbidden',
         'a signed-in user without the role: the 403 envelope');
ok t_cmp($r->header('Content-Type'), 'application/json', '... as JSON');
ok t_cmp($r->header('WWW-Authenticate'), undef, '... no WWW-Authenticate (nothing to log in again for)');
$r = $ua{bob}->get(url(undef, '/sess/static/admin/'), NAV);
ok t_cmp($r->code, 403, 'a navigation gets 403 too, never the login page again');
ok t_cmp($r->header('Location'), undef, '... no redirect');
ok t_cmp($r->content, qr/You are signed in, but not allowed to see this page/, '... an HTML page saying so');
ok t_cmp($r->header('Content-Type'), 'text/html; charset=utf-8', '... as HTML');

# without a session: the usual answers, also on role-protected paths
my $anon = browser();
ok t_cmp($anon->get(url(undef, '/sess/static/admin/'), NAV)->code, 302, 'no session, navigation: 302');
ok t_cmp($anon->get(url(undef, '/sess/static/admin/'), JSON_ACCEPT)->code, 401, 'no session, API: 401');
ok t_cmp($anon->get(url(undef, '/sess/static/both/'), NAV)->code, 401,
         'no session and no SecSessionLoginURL: 401 even for a navigation');

# --- policy in an .htaccess (AllowOverride AuthConfig) -----------------------------
ok t_cmp(codes('/sess/static/hta/', qw(alice bob carol)), 'alice:200 bob:200 carol:403',
         '.htaccess: Require secsession-role editor');
$r = $anon->get(url(undef, '/sess/static/hta/'), NAV);
ok t_cmp($r->code, 401, '.htaccess: SecSessionLoginURL none, so no redirect');
ok t_cmp($r->content, qr/Authentication required/, '... the 401 page');
ok t_cmp($ua{bob}->get(url(undef, '/sess/static/hta/index.html'))->content, qr/hta page/,
         '... and the page for an editor');

# --- SecSessionOptional on ------------------------------------------------------------
$r = $anon->get(url(undef, '/sess/opt/sess-env.cgi'));
ok t_cmp($r->code, 200, 'optional: no session, no refusal');
ok t_cmp($r->content, qr/^REMOTE_USER=$/m, '... and no user');
$r = $ua{alice}->get(url(undef, '/sess/opt/sess-env.cgi'));
ok t_cmp($r->content, qr/^REMOTE_USER=alice$/m, 'optional: a session is loaded');
ok t_cmp($r->content, qr/^SECSESSION_ROLES=admin,editor$/m, '... with its roles');
ok t_cmp($r->content, qr/^AUTH_TYPE=SecSession$/m, '... AUTH_TYPE SecSession');
my $bad = api_client()->get(url(undef, '/sess/opt/sess-env.cgi'),
                            Cookie => 't_sess=1.t2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
ok t_cmp($bad->code, 200, 'optional: a forged cookie is no session, and no refusal');
ok t_cmp($bad->content, qr/^REMOTE_USER=$/m, '... anonymous');
ok t_cmp(join('|', set_cookies($bad)), qr/^t_sess=; Path=\/; Max-Age=0/, '... and the dead cookie is deleted');

# --- a Require line on a session's user name -------------------------------------------
# (the user is the session's, not a header's)
$r = $ua{alice}->get(url(undef, '/sess/static/bob/'), 'X-Remote-User' => 'bob', JSON_ACCEPT);
ok t_cmp($r->code, 403, 'an X-Remote-User header does not make alice bob');
$r = $anon->get(url(undef, '/sess/static/bob/'), 'X-Remote-User' => 'bob', JSON_ACCEPT);
ok t_cmp($r->code, 401, '... nor an anonymous client');

# the access log names the session's user (%u)
my $log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'access_log');
my $m = log_mark($log);
$ua{dave}->get(url(undef, '/sess/static/private/?access-log-check'));
ok wait_for_log($log, $m, qr{ dave \[[^\]]+\] "GET /sess/static/private/\?access-log-check }) or print "# no %u\n";
# the 403 does not end the session
ok t_cmp($ua{bob}->get(url(undef, '/sess/static/private/'))->code, 200, 'after a 403 the session lives on');
ok t_cmp($ua{carol}->get(url(undef, '/sess/static/either/'), JSON_ACCEPT)->code, 403,
         'and is still refused where it was');
