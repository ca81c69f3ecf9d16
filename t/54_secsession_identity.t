# What the application sees: REMOTE_USER, SECSESSION_USER/ROLES/REF, and
# for backends (SecSessionIdentityHeaders) request headers. Clients cannot
# send any of these themselves, in any spelling; the session cookie is
# taken off the request unless SecSessionPassCookie on.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);

plan tests => 36;

sub env_of {
    my ($text) = @_;
    my %e;
    for (split /\n/, $text) {
        $e{$1} = $2 if /^([A-Z0-9_]+)=(.*)$/;
    }
    return \%e;
}

my $mark = log_mark(events_file());
my $ua = browser();
app_login($ua, 'alice', 'admin,editor');
my $login = events_since($mark, event => 'login.success');
my $cookie = cookie_of($ua, 't_sess');

my @forged = ('X-Remote-User' => 'root', ':X_Remote_User' => 'root', 'x-remote-roles' => 'superuser',
              ':X_REMOTE_ROLES' => 'superuser', 'X-Session-Ref' => 'forged', ':x_session_ref' => 'forged',
              'X-Auth-User' => 'root', ':X_Auth_User' => 'root');
my $r = api_client()->get(url(undef, '/sess/who/sess-env.cgi'),
                          Cookie => "before=1; t_sess=$cookie; after=2", @forged);
my $e = env_of($r->content);
ok t_cmp($e->{REMOTE_USER}, 'alice', 'REMOTE_USER is the session user');
ok t_cmp($e->{AUTH_TYPE}, 'SecSession', 'AUTH_TYPE');
ok t_cmp($e->{SECSESSION_USER}, 'alice', 'SECSESSION_USER');
ok t_cmp($e->{SECSESSION_ROLES}, 'admin,editor', 'SECSESSION_ROLES');
ok t_cmp($e->{SECSESSION_REF}, $login->{ref}, 'SECSESSION_REF is the reference the event log shows');
ok t_cmp(index($cookie, $e->{SECSESSION_REF}), -1, '... not part of the cookie');
ok t_cmp($e->{HTTP_X_REMOTE_USER}, 'alice', 'X-Remote-User for backends: the server\'s value');
ok t_cmp($e->{HTTP_X_REMOTE_ROLES}, 'admin,editor', 'X-Remote-Roles likewise');
ok t_cmp($e->{HTTP_X_SESSION_REF}, $login->{ref}, 'X-Session-Ref likewise');
ok t_cmp($e->{HTTP_X_AUTH_USER}, undef, 'another location\'s header name, sent by the client: stripped');
ok t_cmp($r->content !~ /root|superuser|forged/, 1, 'nothing the client sent survives, in any spelling');
ok t_cmp($e->{HTTP_COOKIE}, 'before=1; after=2', 'the session cookie is taken off the request, others stay');

# custom header names, and the cookie passed on
$r = api_client()->get(url(undef, '/sess/whoname/sess-env.cgi'), Cookie => "t_sess=$cookie", @forged);
$e = env_of($r->content);
ok t_cmp($e->{HTTP_X_AUTH_USER}, 'alice', 'user=X-Auth-User');
ok t_cmp($e->{HTTP_X_AUTH_ROLES}, 'admin,editor', 'roles=X-Auth-Roles');
ok t_cmp($e->{HTTP_X_AUTH_SESSION}, $login->{ref}, 'ref=X-Auth-Session');
ok t_cmp($e->{HTTP_X_REMOTE_USER}, undef, 'the default names are still stripped there');
ok t_cmp($e->{HTTP_COOKIE}, "t_sess=$cookie", 'SecSessionPassCookie on: the application sees the cookie');

# not a session location: stripped all the same, before any module reads them
$r = api_client()->get(url(undef, '/sess/plain/sess-env.cgi'), @forged);
$e = env_of($r->content);
ok t_cmp(join(',', grep { /REMOTE|SESSION|AUTH_USER/ } sort keys %$e), 'REMOTE_USER,SECSESSION_REF,SECSESSION_ROLES,SECSESSION_USER',
         'elsewhere, no identity variable comes from the client (only the script\'s own empty ones)');
ok t_cmp(join(',', map { $e->{$_} } qw(REMOTE_USER SECSESSION_USER)), ',', '... all empty');
ok t_cmp($r->header('X-Seen-Underscore'), '[]', 'mod_headers sees no X_Remote_User either');
ok t_cmp($r->header('X-Seen-Dash'), '[]', '... nor X-Remote-User');

# no session: the forged headers do not make one
$r = api_client()->get(url(undef, '/sess/who/sess-env.cgi'), @forged, JSON_ACCEPT);
ok t_cmp($r->code, 401, 'forged identity headers are no session: 401');
# optional location: anonymous, the forged values gone
$r = api_client()->get(url(undef, '/sess/opt/sess-env.cgi'), @forged);
$e = env_of($r->content);
ok t_cmp($e->{REMOTE_USER} . '|' . ($e->{HTTP_X_REMOTE_USER} // ''), '|', 'optional and anonymous: no identity');

# the error log notes the stripping (debug), without values
my $errlog = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
my $m = log_mark($errlog);
api_client()->get(url(undef, '/sess/plain/sess-env.cgi'), 'X-Remote-User' => 'logcheck-root');
my $text = wait_for_log($errlog, $m, qr/SEC05001/);
ok $text or print "# no SEC05001\n";
ok t_cmp(($text // '') =~ /logcheck-root/ ? 1 : 0, 0, '... and never the value');
# the client's X-Request-ID is not an identity header: untouched by this module
$r = api_client()->get(url(undef, '/sess/plain/sess-env.cgi'), 'X-Something-Else' => 'kept');
ok t_cmp(env_of($r->content)->{HTTP_X_SOMETHING_ELSE}, 'kept', 'other headers pass');
ok t_cmp(api_client()->get(url(undef, '/sess/who/sess-env.cgi'), Cookie => "t_sess=$cookie")->code, 200,
         'the session is fine after all that');

# --- secsession_current() for other modules (t/modules/mod_sesstest.c) --------------------
use JSON::PP ();
my $js = JSON::PP->new->utf8;
sub current { my ($path, @h) = @_; return eval { $js->decode(api_client()->get(url(undef, $path), @h)->content) } // {} }
my $cur = current('/sess/current?twice=1', Cookie => "t_sess=$cookie");
ok t_cmp("$cur->{status} $cur->{user} $cur->{roles}", 'ok alice admin,editor',
         'secsession_current() where no hook of the module looked: loaded from the cookie');
ok t_cmp($cur->{ref}, $login->{ref}, '... info->ref is the reference');
ok t_cmp($cur->{created} > 0 && $cur->{created} <= time ? 1 : 0, 1, '... and created is set');
ok t_cmp($cur->{same}, JSON::PP::true, '... asked twice, the same answer (checked once per request)');
$cur = current('/sess/current-auth', Cookie => "other=1; t_sess=$cookie");
ok t_cmp("$cur->{status} $cur->{user}", 'ok alice', '... and in a session location, after authentication');
ok t_cmp(current('/sess/current')->{status}, 'notfound', 'no cookie: APR_NOTFOUND');
ok t_cmp(current('/sess/current', Cookie => 't_sess=1.t2.xx.yy')->{status}, 'notfound', 'a forged cookie: APR_NOTFOUND');
$ua->post(url(undef, '/sess/logout'));
ok t_cmp(current('/sess/current', Cookie => "t_sess=$cookie")->{status}, 'notfound',
         'a logged-out session: APR_NOTFOUND');
ok t_cmp(api_client()->get(url(undef, '/sess/current-auth'), Cookie => "t_sess=$cookie", JSON_ACCEPT)->code, 401,
         '... and refused where a session is required');
