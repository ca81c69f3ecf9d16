# Zones on the embedded store: the limit, the 429 with Retry-After, the IETF
# RateLimit fields and the envelope; off in a sub-location; several zones at
# once; presets; report mode; bans that outlive their window; events.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 52;

my $json = JSON::PP->new->utf8;
my $ev = events_file();
my $start = log_mark($ev);   # only this run's events count
sub codes { my ($url, $n, @h) = @_; join ' ', map { GET($url, @h)->code } 1 .. $n }

# A flood answered from the local refusal cache (rate=1/1d): the store's
# refusal writes its event; the cache's refusals are summed into one event
# per key and server every 10 seconds, checked at the end of this file.
my $flood_t0 = time;
ok t_cmp(codes('/rl/flood', 7), '200 429 429 429 429 429 429', 'a flood: refused after the first');

# rate=3/1m per client address
ok t_cmp(codes('/rl/basic', 3), '200 200 200', 'three requests pass');
my $res = GET('/rl/basic', Accept => 'application/json');
ok t_cmp($res->code, 429, 'the fourth is refused');
my $ra = $res->header('Retry-After') // '';
ok $ra =~ /^\d+$/ && $ra >= 1 && $ra <= 120 or print "# Retry-After '$ra'\n";
ok t_cmp($res->header('RateLimit-Policy'), '"t_basic";q=3;w=60', 'RateLimit-Policy');
ok t_cmp($res->header('RateLimit'), qr/^"t_basic";r=0;t=\d+$/, 'RateLimit');
ok t_cmp($res->header('Content-Type'), qr{^application/json}, 'JSON envelope');
my $b = eval { $json->decode($res->content) } || {};
ok t_cmp($b->{code}, 'RATE_LIMITED', 'code');
ok t_cmp($b->{retryAfter}, $ra, 'retryAfter matches Retry-After');
ok t_cmp($b->{message}, qr/^Rate limit exceeded\. Try again in \d+ seconds?\.$/, 'message');
ok t_cmp($b->{requestId}, $res->header('X-Request-ID'), 'request id');
ok !defined $res->header('X-RateLimit-Limit') or print "# legacy headers without the option\n";
my $html = GET('/rl/basic', Accept => 'text/html,*/*;q=0.8');
ok t_cmp($html->header('Content-Type'), qr{^text/html}, 'HTML envelope for browsers');

# SecRateLimit off in a sub-location
ok t_cmp(codes('/rl/basic/open', 5), '200 200 200 200 200', 'off below a limited location');

# header-keyed zone: each key has its own budget
my $k = "client-$$";
ok t_cmp(codes('/rl/hdr', 3, 'X-Client' => "$k-a"), '200 200 429', 'key a: 2 then refused');
ok t_cmp(codes('/rl/hdr', 2, 'X-Client' => "$k-b"), '200 200', 'key b has its own budget');

# two zones at once: per address (5) and per user (2); all must pass
ok t_cmp(codes('/rl/two', 3, 'X-User' => "u1-$$"), '200 200 429', 'the user zone refuses first');
ok t_cmp(codes('/rl/two', 3, 'X-User' => "u2-$$"), '200 200 429',
         "a refusal by the user zone costs no address budget");
ok t_cmp(GET('/rl/two', 'X-User' => "u3-$$")->code, 200, 'so the address zone allows a fifth');
ok t_cmp(GET('/rl/two', 'X-User' => "u4-$$")->code, 429, 'then the address zone refuses every user');

# a preset zone used without a definition: auth = 5 per 15 minutes
ok t_cmp(codes('/rl/preset', 6), '200 200 200 200 200 429', 'preset auth allows 5');
ok t_cmp(GET('/rl/preset')->header('RateLimit-Policy'), '"auth";q=5;w=900', 'preset policy');

# headers on allowed responses, legacy headers by option
my $h = GET('/rl/hdrs');
ok t_cmp($h->code, 200, 'allowed');
my ($t_left) = ($h->header('RateLimit') // '') =~ /^"t_hdrs";r=3;t=(\d+)$/;
ok defined $t_left && $t_left >= 1 && $t_left <= 60
    or print "# RateLimit on an allowed response: ", $h->header('RateLimit') // '(none)', "\n";
ok t_cmp($h->header('X-RateLimit-Reset'), $t_left, 'X-RateLimit-Reset says the same');
ok t_cmp($h->header('X-RateLimit-Limit'), 4, 'X-RateLimit-Limit');
ok t_cmp($h->header('X-RateLimit-Remaining'), 3, 'X-RateLimit-Remaining');

# report mode never refuses, but logs what it would have refused, once
my $mark = log_mark($ev);
ok t_cmp(codes('/rl/report', 5), '200 200 200 200 200', 'report mode never refuses');
my $text = wait_for_log($ev, $mark, qr/ratelimit\.report/) // '';
my @reports = grep { /ratelimit\.report/ } split /\n/, $text;
ok t_cmp(scalar @reports, 1, 'one report event for the window, not one per request');
my $re = eval { $json->decode($reports[0] // '') } || {};
ok t_cmp($re->{outcome}, 'report', 'outcome report');
ok t_cmp($re->{zone}, 't_report', 'zone in the event');

# the deny event of t_basic
my @denies = map { eval { $json->decode($_) } || () } grep { /ratelimit\.deny/ && /t_basic/ }
             split /\n/, log_since($ev, $start);
ok @denies >= 1 or print "# no deny event\n";
ok t_cmp($denies[0]{subject}, '127.0.0.0', 'the address is masked in the event');
ok !exists $denies[0]{key} or print "# raw key field present\n";

# ban: rate=2/2s ban=30s; the ban outlives the window
ok t_cmp(codes('/rl/ban', 3), '200 200 429', 'over the limit');
my $t0 = time;
my $r2 = GET('/rl/ban');
ok t_cmp($r2->code, 429, 'banned');
# Wait (bounded) until the 2-second window and its successor have passed, so
# the rate alone would let the client through again.
wait_for(8, sub { time - $t0 >= 5 });
my $after = GET('/rl/ban', Accept => 'application/json');
ok t_cmp($after->code, 429, 'still refused after the window: the ban holds');
ok $after->header('Retry-After') > 10 or print "# Retry-After ", $after->header('Retry-After'), "\n";
my @bans = grep { /ratelimit\.ban/ } split /\n/, log_since($ev, $start);
ok t_cmp(scalar @bans, 1, 'one ban event');

# secctl lists the ban and lifts it; the window has long passed, so the
# client is admitted again at once
my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $shm = File::Spec->catfile(Apache::Test::vars('t_logs'), 'secmods-store.shm');
my $list = qx{"$secctl" --shm "$shm" ban list 2>&1};
ok t_cmp($list, qr/^zone t_ban\s+subject \S+\s+hash \S+\s+\d+ s left$/m, 'secctl ban list shows it');
my $lmark = log_mark($ev);
my $lift = qx{"$secctl" --shm "$shm" --event-log "$ev" ban lift t_ban 127.0.0.1 2>&1};
ok t_cmp($? >> 8, 0, 'secctl ban lift t_ban 127.0.0.1') or print "# $lift";
my ($le) = grep { ($_->{event} // '') eq 'ban.lift' } map { eval { $json->decode($_) } || () }
           split /\n/, log_since($ev, $lmark);
ok t_cmp(join(',', map { $_ // '-' } @{ $le || {} }{qw(module zone subject)}), 'secctl,t_ban,127.0.0.0',
         'the lift is an audit event, the address masked as in the ban\'s');
ok t_cmp(GET('/rl/ban')->code, 200, 'after the lift the client is admitted');
$list = qx{"$secctl" --shm "$shm" ban list 2>&1};
ok $list !~ /^zone t_ban\s/m or print "# still listed: $list";
$lift = qx{"$secctl" --shm "$shm" ban lift t_ban 127.0.0.1 2>&1};
ok t_cmp($? >> 8, 1, 'lifting it again: exit 1, no such ban');

my $m = GET('/secmods/metrics')->content;
ok metric_value($m, 'secmods_ratelimit_requests_total{zone="t_basic",outcome="deny"}') >= 2
    or print "# deny metric missing\n";
# the ban's start, then two refusals the refusal cache answered: all bans
ok t_cmp(metric_value($m, 'secmods_ratelimit_requests_total{zone="t_ban",outcome="banned"}'), 3,
         'refusals of a banned key count as banned, cached ones too');
ok t_cmp(metric_value($m, 'secmods_ratelimit_requests_total{zone="t_ban",outcome="deny"}'), 0,
         '... never as deny');

# The flood's events: one from the store, then (10 s on, a time-driven
# case: the wait is the scenario) one that stands for the cached refusals.
my @flood = map { eval { $json->decode($_) } || () } grep { /ratelimit\.deny/ && /"t_flood"/ }
            split /\n/, log_since($ev, $start);
ok t_cmp(scalar @flood, 1, 'the cached refusals wrote no event of their own yet');
ok t_cmp($flood[0]{count}, 2, '... the store\'s refusal did, with its count');
wait_for(15, sub { time - $flood_t0 >= 10.5 });
my $fmark = log_mark($ev);
ok t_cmp(GET('/rl/flood')->code, 429, '10 s later: still refused, from the cache');
my ($fe) = map { eval { $json->decode($_) } || () } grep { /"t_flood"/ }
           split /\n/, (wait_for_log($ev, $fmark, qr/"t_flood"/) // '');
ok t_cmp(join(',', map { $_ // '-' } @{ $fe || {} }{qw(event reason fromCache refused count)}),
         'ratelimit.deny,rate,1,6,-',
         'one event for the six refusals the cache answered (no fresh count)');
