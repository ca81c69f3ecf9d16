# The login handler (SetHandler secsession-login) and the logout handler:
# what a request without a session gets, the login page, a POSTed login on
# httpd's authn provider (AuthUserFile), the session cookie, the audit
# events, logging out, and where the browser may be sent afterwards.
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

plan tests => 84;

my $json = JSON::PP->new->utf8;
my $private = url(undef, '/sess/static/private/');

# --- no session -----------------------------------------------------------------
my $anon = browser();
my $r = $anon->get($private, NAV);
ok t_cmp($r->code, 302, 'a navigation without a session is redirected');
ok t_cmp($r->header('Location'), '/sess/login?redirect=%2fsess%2fstatic%2fprivate%2f',
         '... to the login URL, with where it was going');
ok t_cmp($r->header('Cache-Control') // '', qr/no-store/, '... not cacheable');

$r = $anon->get(url(undef, '/sess/static/private/?a=1&b=%2F'), NAV);
ok t_cmp($r->header('Location'), '/sess/login?redirect=%2fsess%2fstatic%2fprivate%2f%3fa%3d1%26b%3d%252F',
         'the query string is kept, as sent');

$r = $anon->get($private, JSON_ACCEPT);
ok t_cmp($r->code, 401, 'an API request without a session gets 401');
ok t_cmp($r->header('Content-Type'), 'application/json', '... as JSON');
ok t_cmp($r->header('WWW-Authenticate'), 'SecSession', '... naming the scheme');
my $doc = eval { $json->decode($r->content) } // {};
ok t_cmp(join(',', map { "$_=" . ($doc->{$_} // '') } qw(error message code status loginUrl)),
         'error=Unauthorized,message=Authentication required,code=UNAUTHORIZED,status=401,loginUrl=/sess/login',
         'the envelope');
ok t_cmp($doc->{requestId}, $r->header('X-Request-ID'), '... with the request id');

$r = $anon->get($private, 'Sec-Fetch-Mode' => 'cors', Accept => 'text/html');
ok t_cmp($r->code, 401, 'fetch() (Sec-Fetch-Mode: cors) gets 401 even when it accepts HTML');
$r = $anon->get($private, Accept => 'text/html,*/*;q=0.8');
ok t_cmp($r->code, 302, 'without Fetch Metadata, a client preferring HTML is a navigation');
$r = $anon->get($private);
ok t_cmp($r->code, 401, 'curl (Accept */*) gets 401');

$r = $anon->get(url(undef, '/sess/static/loop/'), NAV);
ok t_cmp($r->code, 302, 'a protected page whose login page is protected too redirects ...');
$r = $anon->get(url(undef, '/sess/static/loop/login.html'), NAV);
ok t_cmp($r->code, 401, '... but the login page itself does not loop: 401');
ok t_cmp($r->header('Content-Type'), qr{^text/html}, '... as an HTML page for the browser');

# --- the login page ---------------------------------------------------------------
$r = $anon->get(url(undef, '/sess/login?redirect=%2Fsess%2Fstatic%2Fprivate%2F%3Fa%3D1%26b%3D2'), NAV);
ok t_cmp($r->code, 200, 'GET on the login handler: the login page');
ok t_cmp($r->content, qr{<form method="post" action="/sess/login">}, '... posting to itself');
ok t_cmp($r->content, qr{name="redirect" value="/sess/static/private/\?a=1&amp;b=2"},
         '... with the validated target, HTML-escaped');
ok t_cmp($r->header('X-Frame-Options') . ' ' . $r->header('Cache-Control'), 'DENY no-store',
         '... not framed, not cached');
$r = $anon->get(url(undef, '/sess/login?redirect=%2F%2Fevil.example'), NAV);
ok t_cmp($r->content, qr{name="redirect" value="/"}, 'an unsafe target is replaced by /');
$r = $anon->head(url(undef, '/sess/login'));
ok t_cmp($r->code . ' ' . length($r->content), '200 0', 'HEAD: no body');
$r = $anon->request(HTTP::Request->new(PUT => url(undef, '/sess/login')));
ok t_cmp($r->code . ' ' . join(',', sort split /,\s*/, $r->header('Allow') // ''),
         '405 GET,HEAD,POST,TRACE', 'PUT: 405, Allow: GET, HEAD, POST');
$r = $anon->get(url(undef, '/sess/login-custom?redirect=/sess/static/admin/'), NAV);
ok t_cmp($r->content, qr{<h1>Example Corp</h1>}, 'SecSessionLoginPage: the site\'s own page');
ok t_cmp($r->content, qr{action="/sess/login-custom".*value="/sess/static/admin/"}s,
         '... with {{action}} and {{redirect}} filled in');

# --- logging in -------------------------------------------------------------------
my $mark = log_mark(events_file());
my $ua = browser();
$r = form_login($ua, undef, 'alice', 'wrong');
ok t_cmp($r->code, 401, 'a wrong password: 401');
$doc = eval { $json->decode($r->content) } // {};
ok t_cmp($doc->{code}, 'LOGIN_FAILED', '... LOGIN_FAILED');
ok !session_cookie($r) or print "# no cookie for a failed login\n";
my $bad_pw = $doc->{message};
$r = form_login($ua, undef, 'nobody', 'whatever');
$doc = eval { $json->decode($r->content) } // {};
ok t_cmp($r->code . ' ' . $doc->{message}, "401 $bad_pw",
         'an unknown user gets the very same answer (no user enumeration)');
$r = $ua->post(url(undef, '/sess/login'), Content_Type => 'application/json',
               Content => '{"username":"alice","password":"alice-pw"}');
ok t_cmp($r->code, 401, 'not a form: 401');
$r = form_login($ua, undef, 'alice', 'alice-pw', redirect => '/sess/static/private/?x=1');
ok t_cmp($r->code, 303, 'the right password: 303');
ok t_cmp($r->header('Location'), '/sess/static/private/?x=1', '... to the redirect target');
my ($line) = grep { /^t_sess=/ } set_cookies($r);
ok t_cmp($line, qr{^t_sess=1\.t2\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$},
         'the cookie: version, current key, id, MAC; HttpOnly, SameSite=Lax, Path=/ (secure=off here)');
ok t_cmp($r->header('Cache-Control'), 'no-store', 'the login response is not cacheable');
$r = $ua->get($private);
ok t_cmp($r->code, 200, 'the cookie opens the protected page');
ok t_cmp($r->content, qr/sess private page/, '... and it is the page');

my $ok = events_since($mark, event => 'login.success');
ok t_cmp($ok && join(' ', @$ok{qw(module user outcome reason via)}),
         'secsession alice allow form form', 'login.success event');
ok t_cmp($ok && $ok->{ref}, qr/^[A-Za-z0-9_-]{22}$/, '... with the session reference');
my @fail = grep { $_->{event} eq 'login.failure' } events_since($mark);
ok t_cmp(join(' ', map { ($_->{user} // '') . ":$_->{reason}" } @fail),
         'alice:bad-password nobody:unknown-user :not-a-form',
         'login.failure events: who and why, never the password');
my $cookie = cookie_of($ua, 't_sess');
ok t_cmp(index(event_lines($mark), $cookie), -1, 'the cookie value is in no event');
ok t_cmp(event_lines($mark), qr/^((?!alice-pw).)*$/s, 'the password is in no event');

# e-mail users are masked in events, as seccore does
$mark = log_mark(events_file());
$r = form_login(browser(), undef, 'dana@example.com', 'dana-pw');
ok t_cmp($r->code, 303, 'an e-mail user logs in');
$ok = events_since($mark, event => 'login.success');
ok t_cmp($ok && $ok->{user}, 'd***@example.com', '... and is masked in the event');

# --- where the browser goes ----------------------------------------------------------
for my $t (['https://app.example.com/dash', 'https://app.example.com/dash', 'an allow-listed origin'],
           ['https://evil.example/', '/', 'another origin'],
           ['//evil.example/', '/', '//evil'],
           ['/\\evil.example/', '/', '/\\evil'],
           ['https:evil.example', '/', 'https:evil'],
           ["/x\r\nSet-Cookie: a=b", '/', 'raw CR/LF'],
           ['/x%0d%0aSet-Cookie:%20a=b', '/', 'encoded CR/LF'],
           ['/%2F%2Fevil.example', '/', '/%2F%2Fevil'],
           ['javascript:alert(1)', '/', 'javascript:']) {
    $r = form_login(browser(), undef, 'bob', 'bob-pw', redirect => $t->[0]);
    ok t_cmp($r->header('Location'), $t->[1], "redirect after login: $t->[2]");
}

# --- logging out ----------------------------------------------------------------------
$r = $ua->get(url(undef, '/sess/logout'));
ok t_cmp($r->code . ' ' . join(',', sort split /,\s*/, $r->header('Allow') // ''), '405 POST,TRACE',
         'GET on the logout handler is refused (an <img> must not log users out)');
ok t_cmp($ua->get($private)->code, 200, '... and the session lives on');
$r = $ua->post(url(undef, '/sess/logout'), 'Sec-Fetch-Site' => 'cross-site');
ok t_cmp($r->code, 403, 'a cross-site logout POST is refused');
$mark = log_mark(events_file());
$r = $ua->post(url(undef, '/sess/logout'));
ok t_cmp($r->code . ' ' . $r->header('Location'), '303 /sess/static/bye.html',
         'POST logout: 303 to SecSessionLogoutURL');
ok t_cmp(join('|', set_cookies($r)), qr{^t_sess=; Path=/; Max-Age=0; Expires=[^;]+; HttpOnly; SameSite=Lax$},
         '... the cookie is expired');
ok t_cmp($r->header('Clear-Site-Data'), '"cookies", "storage"', '... Clear-Site-Data');
ok t_cmp($ua->get($private, JSON_ACCEPT)->code, 401, '... and the session is gone');
my $replay = api_client()->get($private, Cookie => "t_sess=$cookie", JSON_ACCEPT);
ok t_cmp($replay->code, 401, 'the old cookie, replayed, is dead');
$ok = events_since($mark, event => 'logout');
ok t_cmp($ok && "$ok->{user} $ok->{via}", 'alice handler', 'logout event');

sub current_of {
    my ($cookie) = @_;
    my $r = api_client()->get(url(undef, '/sess/current'), Cookie => "t_sess=$cookie");
    return eval { $json->decode($r->content) } // {};
}

# --- other authn providers: mod_authn_dbm behind an AuthnProviderAlias, after the file ---
my $dbm = File::Spec->catfile(Apache::Test::vars('t_logs'), 'sess-users');
my $made = qx{htdbm -cbTSDBM "$dbm" erin erin-pw 2>&1};
ok t_cmp($? >> 8, 0, 'a DBM of users made with htdbm') or print "# $made";
$r = form_login(browser(), undef, 'erin', 'erin-pw', path => '/sess/login-dbm');
ok t_cmp($r->code, 303, 'a user only the DBM knows logs in through the alias');
ok t_cmp(current_of(session_cookie($r) // '')->{user}, 'erin', '... and the session is hers');
ok t_cmp(form_login(browser(), undef, 'alice', 'alice-pw', path => '/sess/login-dbm')->code, 303,
         'a user of the file, the first provider, too');
ok t_cmp(form_login(browser(), undef, 'erin', 'wrong', path => '/sess/login-dbm')->code, 401,
         'a wrong password for the DBM user: 401');

# --- roles of form logins: SecSessionRoleFile (AuthGroupFile's format) -------------------
my $ra = browser();
$r = form_login($ra, undef, 'alice', 'alice-pw', path => '/sess/login-roles');
ok t_cmp($r->code, 303, 'a form login where a role file applies');
ok t_cmp(current_of(session_cookie($r) // '')->{roles}, 'admin,editor', '... carries the roles the file gives');
ok t_cmp($ra->get(url(undef, '/sess/static/admin/'), JSON_ACCEPT)->code, 200,
         '... which Require secsession-role admin lets in');
my $rb = browser();
$r = form_login($rb, undef, 'bob', 'bob-pw', path => '/sess/login-roles');
ok t_cmp(current_of(session_cookie($r) // '')->{roles}, 'editor', "bob's are his own");
ok t_cmp($rb->get(url(undef, '/sess/static/admin/'), JSON_ACCEPT)->code, 403, '... so admin is closed to him');
$r = form_login(browser(), undef, 'alice', 'alice-pw');
ok t_cmp(current_of(session_cookie($r) // '')->{roles}, '', 'without a role file: no roles');

# --- fixation: a cookie planted before login is replaced, never promoted -----------------
my $attacker = browser();
form_login($attacker, undef, 'alice', 'alice-pw');
my $planted = cookie_of($attacker, 't_sess');
my $victim = api_client();
$r = $victim->post(url(undef, '/sess/login'), [username => 'bob', password => 'bob-pw'],
                   Cookie => "t_sess=$planted");
ok t_cmp($r->code, 303, 'the victim logs in with the attacker\'s session cookie planted');
my $issued = session_cookie($r);
ok t_cmp($issued, qr/^1\.t2\./, '... and gets a cookie of his own') && $issued ne $planted
    or print "# the planted cookie was kept\n";
ok t_cmp(current_of($issued)->{user}, 'bob', 'the new cookie is bob\'s session');
ok t_cmp(current_of($planted)->{status}, 'notfound',
         'the planted session never became bob\'s: the login ended it');
my $forged = '1.t2.' . ('A' x 43) . '.' . ('B' x 43);
$r = $victim->post(url(undef, '/sess/login'), [username => 'bob', password => 'bob-pw'],
                   Cookie => "t_sess=$forged");
ok t_cmp(session_cookie($r) // '', qr/^1\.t2\./, 'a planted cookie the server never issued: a fresh one')
    && session_cookie($r) ne $forged or print "# the forged id was adopted\n";

# --- open redirects through the logout handler ----------------------------------------------
for my $t (['//evil.example/', '//evil'], ['/\\evil.example/', '/\\evil'],
           ['https:evil.example', 'https:evil'], ["/%0d%0aSet-Cookie:%20x=1", 'encoded CR/LF']) {
    my $u = browser();
    form_login($u, undef, 'bob', 'bob-pw');
    $r = $u->post(url(undef, '/sess/logout'), [redirect => $t->[0]]);
    ok t_cmp($r->code . ' ' . ($r->header('Location') // ''), '303 /sess/static/bye.html',
             "logout with redirect $t->[1]: to SecSessionLogoutURL instead");
}
my $u = browser();
form_login($u, undef, 'bob', 'bob-pw');
$r = $u->post(url(undef, '/sess/logout'), [redirect => '/sess/static/public.html?x=1']);
ok t_cmp($r->header('Location'), '/sess/static/public.html?x=1', 'a same-site target is kept');

# --- a count=failures zone on the login location (mod_secratelimit) ------------------------
# failures are 401s, so only they count: three wrong passwords, then the door closes
my $lim = browser();
ok t_cmp(join(' ', map { form_login($lim, undef, 'bob', 'wrong', path => '/sess/login-limited')->code } 1 .. 3),
         '401 401 401', 'three failed logins: 401 each');
$r = form_login($lim, undef, 'bob', 'bob-pw', path => '/sess/login-limited');
ok t_cmp($r->code, 429, 'the fourth attempt is refused, right password or not');
ok t_cmp(session_cookie($r), undef, '... without a session');
