# The store stops answering (memcached node 3 stopped mid-run). A store
# error is not "no session": SecSessionOnStoreFail deny answers 503 (never
# the login page), allow-cached lets sessions this server validated within
# its window through and says so in the event log; optional pages go on
# anonymously; logins are refused with 503; HMAC replay checks follow
# SecHMACOnStoreFail. Everything recovers when memcached returns.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request ();
use JSON::PP ();
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);

plan tests => 27;

my $json = JSON::PP->new->utf8;
sub u { url('sessdown', $_[0]) }
sub code_of {
    my $doc = eval { $json->decode($_[0]->content) } // {};
    return $_[0]->code . ' ' . ($doc->{code} // '-');
}
my $c = api_client();
sub with { my ($path, $cookie, @h) = @_; return $c->get(u($path), Cookie => "t_down=$cookie", @h) }
my $k1 = hmac_key('partner1');
sub hook { my ($path, $body) = @_;
    return $c->request(HTTP::Request->new(POST => u($path), [hmac_headers($k1, time, $body)], $body)) }

my $ua = browser();
my $r = form_login($ua, 'sessdown', 'alice', 'alice-pw');
ok t_cmp($r->code, 303, 'login while memcached is up');
my $cookie = cookie_of($ua, 't_down');
ok t_cmp(with('/deny/', $cookie)->code, 200, 'deny location: 200 while up');
ok t_cmp(with('/cached/', $cookie)->code, 200, 'allow-cached location: 200 while up (and validated)');
ok t_cmp(with('/opt/sess-env.cgi', $cookie)->content, qr/^REMOTE_USER=alice$/m, 'optional: the user');
ok t_cmp(hook('/hook/sess-echo.cgi', 'up')->code, 200, 'a signed request while up');

mc_stop(3);

# deny: once the 1 s local cache bound has passed, 503
my $last;
ok wait_for(6, sub { ($last = with('/deny/', $cookie, JSON_ACCEPT))->code != 200 })
    or print "# still 200 after the cache bound\n";
ok t_cmp(code_of($last), '503 STORE_UNAVAILABLE', 'deny: 503 with the envelope');
ok t_cmp($last->header('Retry-After'), 5, '... Retry-After');
$r = with('/deny/', $cookie, NAV);
ok t_cmp($r->code, 503, 'a navigation gets 503 too ...');
ok t_cmp($r->header('Location'), undef, '... never a redirect to the login page');
ok t_cmp($r->header('Content-Type'), 'text/html; charset=utf-8', '... as a page');

# allow-cached: validated on this server within the last minute
my $mark = log_mark(events_file());
ok t_cmp(with('/cached/', $cookie)->code, 200, 'allow-cached: the session this server validated passes');
my $ev = events_since($mark, event => 'session.store-unavailable');
ok t_cmp($ev && "$ev->{outcome} $ev->{reason} $ev->{user}", 'allow allow-cached alice',
         '... and the event log says so');

ok t_cmp(with('/opt/sess-env.cgi', $cookie)->content, qr/^REMOTE_USER=$/m,
         'optional: anonymous, not refused');
ok t_cmp(with('/opt/sess-env.cgi', $cookie)->code, 200, '... 200');
ok t_cmp(code_of(form_login(browser(), 'sessdown', 'bob', 'bob-pw', headers => [JSON_ACCEPT])),
         '503 STORE_UNAVAILABLE', 'a login cannot be stored: 503');
ok t_cmp($c->get(u('/deny/'), NAV)->code, 302, 'no cookie at all: the login page, as always');
ok t_cmp($c->get(u('/deny/'), Cookie => 't_down=forged', JSON_ACCEPT)->code, 401,
         'a forged cookie needs no store to be refused: 401');

# HMAC replay checks
ok t_cmp(code_of(hook('/hook/sess-echo.cgi', 'down')), '503 STORE_UNAVAILABLE',
         'SecHMACOnStoreFail deny: 503');
$mark = log_mark(events_file());
ok t_cmp(hook('/hookopen/sess-echo.cgi', 'down')->code, 200, 'SecHMACOnStoreFail allow: accepted');
ok events_since($mark, event => 'hmac.replay-unchecked') or print "# no hmac.replay-unchecked event\n";

my $cur = eval { JSON::PP->new->utf8->decode(with('/current', $cookie)->content) } // {};
ok t_cmp($cur->{status}, 'outage', 'secsession_current() reports the outage, not "no session"');
ok t_cmp(status_doc('sessdown')->{store}{reachable} ? 1 : 0, 0, 'the status page shows the outage')
    or print "# status\n";

mc_start(3);

# memcached is back, empty: the old session is gone, a new login works
ok wait_for(10, sub { with('/deny/', $cookie, JSON_ACCEPT)->code != 503 }) or print "# no recovery\n";
ok t_cmp(with('/deny/', $cookie, JSON_ACCEPT)->code, 401,
         'after the restart the node lost its data: the session is unknown (401)');
# (each child retries the node on its own, retry=1s: poll)
ok wait_for(10, sub {
    $ua = browser();
    form_login($ua, 'sessdown', 'alice', 'alice-pw')->code == 303 && $ua->get(u('/deny/'))->code == 200;
}) or print "# no login after the recovery\n";
# each child retries the node on its own (retry=1s): poll
ok wait_for(10, sub { hook('/hook/sess-echo.cgi', 'again' . rand)->code == 200 })
    or print "# signed requests did not recover\n";
