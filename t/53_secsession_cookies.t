# Cookies the server did not issue, or that are no longer good: forged,
# mangled, oversized, sent twice, signed with a key that is not in the
# ring; a previous key of the ring still verifies; idle and absolute
# timeouts are enforced by the server.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Time::HiRes qw(time sleep);
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);

plan tests => 37;

my $private = url(undef, '/sess/static/private/');
my $c = api_client();
sub code_with { my ($cookie, @h) = @_; return $c->get($private, Cookie => $cookie, JSON_ACCEPT, @h)->code }
sub store_gets {
    my $m = GET_metrics();
    return metric_value($m, 'secmods_store_operations_total{store="shm",op="get"}');
}
sub GET_metrics { return Apache::TestRequest::GET('/secmods/metrics')->content }

my $ua = browser();
app_login($ua, 'alice', 'admin');
my $cookie = cookie_of($ua, 't_sess');
my (undef, $kid, $id, $mac) = split /\./, $cookie;
ok t_cmp($kid, 't2', 'issued with the current key');
ok t_cmp(code_with("t_sess=$cookie"), 200, 'the issued cookie works');

# --- forged and mangled --------------------------------------------------------------
my $mark = log_mark(events_file());
my $flip = sub { my ($s, $i) = @_; substr($s, $i, 1) = substr($s, $i, 1) eq 'A' ? 'B' : 'A'; $s };
my $gets0 = store_gets();
my @codes;
push @codes, code_with('t_sess=' . $flip->($cookie, length($cookie) - 5)) for 1 .. 10;
push @codes, code_with('t_sess=' . $flip->($cookie, 8));
my $gets1 = store_gets();
ok t_cmp("@codes", join(' ', (401) x 11), 'a changed MAC or id: 401');
ok t_cmp($gets1 - $gets0, 0, '... decided without a single store lookup');
my $ev = events_since($mark, event => 'session.reject', reason => 'bad-mac');
ok $ev or print "# no bad-mac event\n";
ok t_cmp($ev && $ev->{ref}, undef, '... which names no session (there is none)');
ok t_cmp(index(event_lines($mark), $id), -1, 'the id is in no event');

my $secret2 = keyring_secret('t2');
my $made = make_cookie('t2', $secret2, b64url(join '', map { chr int rand 256 } 1 .. 32));
$mark = log_mark(events_file());
ok t_cmp(code_with("t_sess=$made"), 401, 'a well-signed cookie for an id the server never issued: 401');
ok events_since($mark, event => 'session.reject', reason => 'unknown') or print "# no unknown event\n";
ok t_cmp(code_with('t_sess=' . make_cookie('t9', $secret2, $id)), 401,
         'signed with a key id not in the ring: 401');
ok events_since($mark, event => 'session.reject', reason => 'unknown-key') or print "# no unknown-key\n";
ok t_cmp(code_with('t_sess=' . make_cookie('t2', b64url('x' x 32), $id)), 401,
         'the right key id with another secret: 401');

# The previous key (t1) of the ring still verifies: the same session, signed with it.
ok t_cmp(code_with('t_sess=' . make_cookie('t1', keyring_secret('t1'), $id)), 200,
         'the session signed with the previous key t1 is accepted');

for my $junk ('', 'x', '1', '1.t2', '1.t2..', "1.t2.$id", "1.t2.$id.", "1.t2.$id.$mac.x",
              "2.t2.$id.$mac", "1.t2.$id=.$mac", "1.t2.${id}A.$mac", '%00', "1.t2.$id.$mac%00",
              "1.\x7f.$id.$mac") {
    my $v = $junk;
    $v =~ s/[\x00-\x1f\x7f]/?/g;
    push @codes, code_with("t_sess=$v");
}
splice @codes, 0, 11;
ok t_cmp("@codes", join(' ', (401) x 14), 'mangled values: 401, never 500');

my $big = 'A' x 7000;
ok t_cmp(code_with("t_sess=$big"), 401, 'a 7000-byte value: 401');
ok t_cmp(code_with("a=" . ('b' x 7000), Cookie => "c=" . ('d' x 7000) . "; t_sess=$cookie"),
         qr/^40[01]$/, 'Cookie headers over the limits together: refused (httpd: 400) or no session');

# --- sent twice ---------------------------------------------------------------------------
$mark = log_mark(events_file());
ok t_cmp(code_with("t_sess=$cookie; t_sess=$cookie"), 401, 'the session cookie twice in one header: 401');
ok t_cmp(code_with("t_sess=$cookie", Cookie => "t_sess=$made"), 401,
         '... or in two Cookie headers (one planted by a sibling domain)');
ok events_since($mark, event => 'session.reject', reason => 'duplicate') or print "# no duplicate event\n";
ok t_cmp(code_with("other=1; t_sess=\"$cookie\"; more=2"), 200,
         'among other cookies, quoted as RFC 6265 allows: accepted');
ok t_cmp(code_with("T_SESS=$cookie"), 401, 'cookie names are case-sensitive');

# a rejected cookie is deleted in the browser, so it is not sent again
my $r = $c->get($private, Cookie => "t_sess=$made", NAV);
ok t_cmp($r->code, 302, 'a dead cookie on a navigation: to the login page');
ok t_cmp(join('|', set_cookies($r)), qr/^t_sess=; Path=\/; Max-Age=0/, '... and the cookie is deleted');
ok t_cmp(code_with("t_sess=$cookie"), 200, 'the real session was never harmed');

# --- idle timeout (SecSessionTimeout idle=3s on /sess/static/short) ------------------------
# Time must pass: the shortest sleeps that show it, no polling that would
# itself count as activity.
my $short = url(undef, '/sess/static/short/');
my $u2 = browser();
app_login($u2, 'bob', '');
ok t_cmp($u2->get($short)->code, 200, 'idle: fresh session');
sleep 1.6;
ok t_cmp($u2->get($short)->code, 200, 'idle: 1.6 s later, still there');
sleep 1.6;
ok t_cmp($u2->get($short)->code, 200, 'idle: 3.2 s after login, alive: activity extends it');
$mark = log_mark(events_file());
sleep 3.3;
ok t_cmp($u2->get($short, JSON_ACCEPT)->code, 401, 'idle: 3.3 s without a request, ended');
ok events_since($mark, event => 'session.reject', reason => 'expired-idle') or print "# no expired-idle\n";
ok t_cmp($u2->get($private, JSON_ACCEPT)->code, 401, '... everywhere, not only there');

# --- absolute timeout (absolute=3s on /sess/static/brief) ------------------------------------
my $brief = url(undef, '/sess/static/brief/');
my $u3 = browser();
my $t0 = time;
app_login($u3, 'carol', '');
ok t_cmp($u3->get($brief)->code, 200, 'absolute: fresh session');
$mark = log_mark(events_file());
my $last;
my $ended = wait_for(10, sub { ($last = $u3->get($brief, JSON_ACCEPT)->code) != 200 });
my $took = time - $t0;
ok $ended or print "# never ended\n";
ok t_cmp($last, 401, 'absolute: ended with 401 while in use all the time');
ok $took >= 2.9 or print "# ended after $took s\n";
ok $took < 7 or print "# ended only after $took s\n";
ok events_since($mark, event => 'session.reject', reason => 'expired-absolute') or print "# no expired-absolute\n";
ok t_cmp($u3->get($private, JSON_ACCEPT)->code, 401, '... everywhere');
