# Two httpd servers sharing sessions through the memcached pair: a session
# made on one works on the other; logging out (or revoking with secctl) on
# one ends it on the other within the local-cache bound (SecSessionCacheTTL,
# 2 s by default): polled, bounded. "Log out everywhere" keeps the same bound:
# a session first checked against a cached generation is not cached for
# another full TTL on top of it.
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

plan tests => 22;

# --- a second server, started and stopped by this test ------------------------------
my $h = httpd_new('second-httpd');
my $conf_dir = File::Spec->catdir(Apache::Test::vars('serverroot'), 'conf');
my $htdocs = File::Spec->catdir(Apache::Test::vars('serverroot'), 'htdocs', 'sess', 'private');
httpd_start($h, modules => [qw(authn_core authz_user alias mime dir)],
            ours => [qw(seccore secsession)], conf => <<"EOF");
TypesConfig /etc/mime.types
SecStore memcached $ENV{SECMODS_MC1} $ENV{SECMODS_MC2} timeout=200ms retry=2s
SecKeyFile "$conf_dir/test.keys"
SecSessionCookie name=t_mc secure=off
Alias /private "$htdocs"
<Location /private>
    AuthType SecSession
    Require valid-user
</Location>
<Location /logout>
    SetHandler secsession-logout
    Require all granted
</Location>
EOF
my $port = $h->{port};
my $second = "http://127.0.0.1:$port";
ok wait_for(10, sub { api_client()->get("$second/private/", JSON_ACCEPT)->code == 401 })
    or print "# second server not answering\n";

my $first = url('sessmc', '');
sub on { my ($base, $cookie) = @_; api_client()->get("$base/private/", Cookie => "t_mc=$cookie", JSON_ACCEPT)->code }
sub ends_on {
    my ($base, $cookie, $limit) = @_;
    my $t0 = time;
    return wait_for($limit, sub { on($base, $cookie) == 401 }) ? time - $t0 : undef;
}

# --- a session made on the first works on the second -----------------------------------
my $ua = browser();
my $r = form_login($ua, 'sessmc', 'alice', 'alice-pw');
ok t_cmp($r->code, 303, 'login on the first server') or print '# ', $r->as_string;
my $cookie = cookie_of($ua, 't_mc');
ok t_cmp(on($first, $cookie), 200, 'the session works there');
ok t_cmp(on($second, $cookie), 200, '... and on the second server');
ok t_cmp(api_client()->get("$second/private/", Cookie => "t_mc=$cookie")->content, qr/sess private page/,
         '... which serves the page');

# --- what a request with a session costs the store -------------------------------------
# Last-seen writes are throttled (idle/8, at most a minute: here the default
# 30 minutes gives one a minute) and validated sessions are cached locally,
# so twenty requests in a row write nothing to memcached and read it rarely.
sub mc_ops {
    my $m = api_client()->get(url(undef, '/secmods/metrics'))->content;
    return map { metric_value($m, qq{secmods_store_operations_total{store="memcached",op="$_"}}) } qw(set get);
}
my ($set0, $get0) = mc_ops();
my $all = join ' ', map { on($first, $cookie) } 1 .. 20;
my ($set1, $get1) = mc_ops();
ok $set0 > 0 or print "# the metric shows no memcached write at all (not the store's metric?)\n";
ok t_cmp($all, join(' ', ('200') x 20), 'twenty requests with the session');
ok t_cmp($set1 - $set0, 0, '... no store write among them (last-seen is throttled)');
ok $get1 - $get0 < 10 or print "# @{[$get1 - $get0]} memcached reads for 20 requests\n";

# --- logout on the first ends it on the second ----------------------------------------------
$r = $ua->post("$first/logout");
ok t_cmp($r->code, 303, 'logout on the first server');
ok t_cmp(on($first, $cookie), 401, '... ended there at once');
my $took = ends_on($second, $cookie, 6);
ok defined $took or print "# still valid on the second server\n";
ok !defined $took || $took <= 3 or print "# took $took s (bound: 2 s)\n";

# --- and the other way round, and with secctl ------------------------------------------------
$ua = browser();
form_login($ua, 'sessmc', 'bob', 'bob-pw');
$cookie = cookie_of($ua, 't_mc');
ok t_cmp(on($second, $cookie), 200, 'a second session, used on the second server');
$r = api_client()->post("$second/logout", Cookie => "t_mc=$cookie");
ok t_cmp($r->code, 303, 'logout on the second server');
ok defined ends_on($first, $cookie, 6) or print "# still valid on the first\n";

$ua = browser();
my $mark = log_mark(events_file());
form_login($ua, 'sessmc', 'alice', 'alice-pw');
$cookie = cookie_of($ua, 't_mc');
my $ev = events_since($mark, event => 'login.success');
on($second, $cookie);   # both servers have it cached now
my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $out = qx{"$secctl" --memcached "$ENV{SECMODS_MC1},$ENV{SECMODS_MC2}" session revoke $ev->{ref} 2>&1};
ok t_cmp($? >> 8, 0, 'secctl session revoke against memcached') or print "# $out";
ok defined ends_on($second, $cookie, 6) && defined ends_on($first, $cookie, 6)
    or print "# a revoked session survived\n";

# --- log out everywhere: the same bound, counted from the generation's read -----------
my ($ua1, $ua2) = (browser(), browser());
form_login($ua1, 'sessmc', 'alice', 'alice-pw');
form_login($ua2, 'sessmc', 'alice', 'alice-pw');
my ($s1, $s2) = (cookie_of($ua1, 't_mc'), cookie_of($ua2, 't_mc'));
my $t0 = time;
ok t_cmp(on($second, $s1), 200, "alice's first session on the second server (its generation cached there)");
$out = qx{"$secctl" --memcached "$ENV{SECMODS_MC1},$ENV{SECMODS_MC2}" session logout-user alice 2>&1};
ok t_cmp($? >> 8, 0, 'secctl session logout-user alice') or print "# $out";
# Her other session reaches the second server just before its cached
# generation runs out (a time-driven case: the wait is the scenario).
wait_for(3, sub { time - $t0 >= 1.9 });
on($second, $s2);
my $ended = wait_for(6, sub { on($second, $s2) == 401 });
my $at = time - $t0;
ok $ended or print "# the second session outlived logout-user on the second server\n";
# The bound is 2 s; another full TTL on top would end it at 2.9 s or later
# (the local store keeps whole seconds).
ok $at <= 2.6 or printf "# ended %.2f s after the generation was read (bound: 2 s)\n", $at;
