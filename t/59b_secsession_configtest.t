# Configuration mistakes fail apachectl configtest with a message naming
# the directive and the value: cookie settings browsers would refuse,
# durations, URLs, providers, roles, key files, contexts. And an .htaccess
# may not let its directory log users in.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);

my $ss = 'LoadModule secsession_module "' . File::Spec->catfile(build_dir(), '.libs', 'mod_secsession.so') . "\"\n";
my @mods = (modules => [qw(authn_core authn_file authz_user)]);
my $keys = File::Spec->catfile(Apache::Test::vars('serverroot'), 'conf', 'test.keys');

my @bad = (
    ['SecSessionCookie secure=off',                  qr/SecSessionCookie name=__Host-secsession( in \S+)?: a __Host- cookie needs Secure, Path=\/ and no Domain \(browsers would refuse the cookie\)/],
    ['SecSessionCookie name=__Host-x path=/app',     qr/SecSessionCookie name=__Host-x( in \S+)?: .*Path=\//],
    ['SecSessionCookie domain=example.com',          qr/SecSessionCookie name=__Host-secsession( in \S+)?: .*Domain/],
    ['SecSessionCookie name=__Secure-s secure=off',  qr/SecSessionCookie name=__Secure-s( in \S+)?: a __Secure- cookie needs Secure/],
    ['SecSessionCookie name=s samesite=None secure=off', qr/SecSessionCookie name=s( in \S+)?: SameSite=None needs Secure/],
    ['SecSessionCookie name=a;b',                    qr/SecSessionCookie name=a;b: not a cookie name/],
    ['SecSessionCookie samesite=sometimes',          qr/SecSessionCookie samesite=sometimes: expected Lax, Strict or None/],
    ['SecSessionCookie colour=blue',                 qr/SecSessionCookie colour=blue: unknown option/],
    ['SecSessionCookie secure=maybe',                qr/SecSessionCookie secure=maybe: expected on or off/],
    ["<Location />\nSecSessionCookie name=x\n</Location>", qr/SecSessionCookie not allowed in <Location> context/],
    ['SecSessionCacheTTL 2m',                        qr/SecSessionCacheTTL 2m: out of range/],
    ['SecSessionCacheTTL soon',                      qr/SecSessionCacheTTL soon: not a duration/],
    ['SecSessionTimeout idle=0',                     qr/SecSessionTimeout idle=0: out of range/],
    ['SecSessionTimeout idle=abc',                   qr/SecSessionTimeout idle=abc: not a duration/],
    ['SecSessionTimeout idle=2h absolute=1h',        qr/SecSessionTimeout: idle=7200s is longer than absolute=3600s/],
    ['SecSessionTimeout forever=1',                  qr/SecSessionTimeout forever=1: unknown option/],
    ['SecSessionLoginURL javascript:alert(1)',       qr/SecSessionLoginURL javascript:alert\(1\): expected a local path/],
    ['SecSessionLoginURL //evil.example/login',      qr/SecSessionLoginURL \/\/evil\.example\/login: expected a local path/],
    ['SecSessionLoginURL "/login page"',             qr/SecSessionLoginURL \/login page: spaces/],
    ['SecSessionLogoutURL https://',                 qr/SecSessionLogoutURL https:\/\/: not a well-formed/],
    ['SecSessionAuthProvider nosuch',                qr/SecSessionAuthProvider nosuch: unknown authn provider/],
    ['SecSessionOnStoreFail maybe',                  qr/SecSessionOnStoreFail maybe: expected deny or allow-cached/],
    ['SecSessionOnStoreFail allow-cached 2d',        qr/SecSessionOnStoreFail allow-cached 2d: out of range/],
    ['SecSessionRedirectAllow https://*',            qr/SecSessionRedirectAllow https:\/\/\*: /],
    ['SecSessionRedirectAllow http://x/path',        qr/SecSessionRedirectAllow http:\/\/x\/path: /],
    ['SecSessionLoginPage /nonexistent/login.html',  qr/SecSessionLoginPage \/nonexistent\/login\.html: cannot read it/],
    ['SecSessionIdentityHeaders user=Bad:Name',      qr/SecSessionIdentityHeaders user=Bad:Name: not a header name/],
    ['SecSessionAppHeaders login=X-Login logout=',   qr/SecSessionAppHeaders logout=: not a header name/],
    ["<Location />\nAuthType SecSession\nRequire secsession-role \"ad min!\"\n</Location>",
                                                     qr/Require secsession-role ad min!: not a role name/],
    ["<Location />\nAuthType SecSession\nRequire secsession-role\n</Location>",
                                                     qr/Require secsession-role: name at least one role/],
    ['SecHMACKeyFile /nonexistent/hmac.keys',        qr/SecHMACKeyFile \/nonexistent\/hmac\.keys: /],
    ["<Location />\nSecHMACKeyFile $keys\n</Location>", qr/SecHMACKeyFile not allowed in <Location> context/],
    ['SecHMACWindow max-age=0',                      qr/SecHMACWindow max-age=0: out of range/],
    ['SecHMACWindow future=2h',                      qr/SecHMACWindow future=2h: out of range/],
    ['SecHMACMaxBody 1G',                            qr/SecHMACMaxBody 1G: expected a size up to 64M/],
    ['SecHMACHeaders signature=',                    qr/SecHMACHeaders signature=: not a header name/],
    ['SecHMACAllowOrigin evil',                      qr/SecHMACAllowOrigin evil: /],
    ['SecSessionRoleFile /nonexistent/sess.roles',   qr/SecSessionRoleFile \/nonexistent\/sess\.roles: not a readable file/],
    ['SecHMACOnStoreFail sometimes',                 qr/SecHMACOnStoreFail sometimes: expected deny or allow/],
);

plan tests => 2 * @bad + 5;

for my $case (@bad) {
    my ($conf, $want) = @$case;
    my ($rc, $out) = configtest($ss . $conf, @mods);
    ok $rc != 0 or print "# accepted: $conf\n";
    ok t_cmp($out, $want, "message for: $conf");
}

my $pages = File::Spec->catfile(Apache::Test::vars('serverroot'), 'htdocs', 'sess', 'login-page.html');
my ($rc, $out) = configtest($ss . <<"EOF", @mods);
SecKeyFile "$keys"
SecHMACKeyFile "$keys"
SecSessionCookie name=__Host-app secure=on httponly=on samesite=Strict path=/ persistent=on
SecSessionCacheTTL 500ms
SecSessionAppHeaders login=X-App-Login logout=X-App-Logout
<Location /app/>
    AuthType SecSession
    SecSessionTimeout idle=15m absolute=4h
    SecSessionLoginURL /login?from=app
    SecSessionOnStoreFail allow-cached 5m
    SecSessionIdentityHeaders on user=X-Forwarded-User
    <RequireAll>
        Require valid-user
        Require secsession-role app:read ops.admin
    </RequireAll>
</Location>
<Location /login>
    SetHandler secsession-login
    SecSessionAuthProvider file
    AuthUserFile "$keys"
    SecSessionLoginPage "$pages"
    SecSessionRedirectAllow https://app.example.com https://*.example.org
</Location>
<Location /hook>
    AuthType SecHMAC
    SecHMACWindow max-age=2m future=10s
    SecHMACMaxBody 256K
    SecHMACHeaders signature=X-Hub-Signature timestamp=X-Hub-Time key-id=X-Hub-Key
    SecHMACAllowOrigin https://partner.example
    SecHMACOnStoreFail allow
    Require valid-user
</Location>
EOF
ok t_cmp($rc, 0, 'a complete good configuration passes') or print "# $out";
ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');
# the dev switch: a plain name with secure=off is fine
($rc, $out) = configtest($ss . "SecSessionCookie name=devsession secure=off\n", @mods);
ok t_cmp($rc, 0, 'secure=off with a name without prefix passes (plain http in development)') or print "# $out";

# .htaccess: SecSessionAcceptLogin is not an .htaccess directive (it would let
# the directory's author log anyone in)
my $errlog = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
my $mark = log_mark($errlog);
ok t_cmp(GET('/sess/static/hta-bad/')->code, 500, 'SecSessionAcceptLogin in an .htaccess: the directory fails');
ok wait_for_log($errlog, $mark, qr/SecSessionAcceptLogin not allowed here/) or print "# no message\n";
