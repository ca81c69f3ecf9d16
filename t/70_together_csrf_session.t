# mod_seccsrf with mod_secsession: a logged-in browser's tokens are bound to
# its session's reference (checked here against the token format and the
# test keyring), so they work in that session only: not in another user's,
# not after logout or revocation, and a token minted before login stops
# working after it.
# While the session store is away, a request that needs a token is refused
# with 503 (fail closed) and one that Fetch Metadata vouches for is not.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request;
use JSON::PP ();
use MIME::Base64 qw(decode_base64url);
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(browser form_login);
use SecCsrf qw(echo_fields envelope csrf_events test_key make_token cookie_value);

plan tests => 37;

my $json = JSON::PP->new->utf8;
my $echo = url(undef, '/together/csrf/csrf-echo.cgi');
my $ev_mark = log_mark(events_file());

sub token_of {
    my ($ua, $u) = @_;
    my $r = $ua->get($u // $echo);
    return echo_fields($r->content)->{token};
}

sub ref_of {
    my ($ua, $vhost, $path) = @_;
    my $r = $ua->get(url($vhost, $path // '/sess/current'));
    my $doc = eval { $json->decode($r->content) } || {};
    return $doc->{status} eq 'ok' ? $doc->{ref} : "($doc->{status})";
}

# A POST no header vouches for (no Fetch Metadata, Origin or Referer): only
# the token can let it through.
sub post_with {
    my ($ua, $token, $u) = @_;
    my $body = 'message=hello';
    my $req = HTTP::Request->new(POST => $u // $echo,
                                 ['Content-Type' => 'application/x-www-form-urlencoded',
                                  defined $token ? ('X-CSRF-Token' => $token) : ()], $body);
    return $ua->request($req);
}

# Whether a token's MAC is the one for this binding (docs/seccsrf.md).
sub bound_to {
    my ($token, $binding) = @_;
    my ($id, $random) = split /\./, $token // '';
    return 0 unless defined $random;
    return make_token($id, test_key($id), $binding, decode_base64url($random)) eq $token;
}

# --- a logged-in browser ---------------------------------------------------------
my $alice = browser();
my $r = form_login($alice, undef, 'alice', 'alice-pw');
ok t_cmp($r->code, 303, 'alice logs in');
my $alice_ref = ref_of($alice);
ok t_cmp($alice_ref, qr/^[A-Za-z0-9_-]{22}$/, 'secsession_current() names her session');
my $t_alice = token_of($alice);
ok t_cmp($t_alice, qr/^t2\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/, 'a token is issued in her session');
ok bound_to($t_alice, "s:$alice_ref")
    or print "# token $t_alice is not bound to s:$alice_ref\n";
ok !bound_to($t_alice, 'p:' . (cookie_value($alice, 'secmods-csrf') // ''))
    or print "# bound to the pre-session cookie although there is a session\n";
$r = post_with($alice, $t_alice);
ok t_cmp($r->code, 200, 'her token passes in her session');
ok t_cmp(echo_fields($r->content)->{length}, 13, '... and the body reaches the application');
$r = post_with($alice, undef);
ok t_cmp($r->code, 403, 'without a token the same POST is refused');

# --- another user's session ---------------------------------------------------------
my $bob = browser();
ok t_cmp(form_login($bob, undef, 'bob', 'bob-pw')->code, 303, 'bob logs in');
my $bob_ref = ref_of($bob);
ok t_cmp($bob_ref, qr/^[A-Za-z0-9_-]{22}$/, 'he has a session of his own') && $bob_ref ne $alice_ref
    or print "# two users, one reference\n";
$r = post_with($bob, $t_alice);
ok t_cmp($r->code, 403, "alice's token is refused in bob's session");
ok t_cmp(envelope($r)->{code}, 'CSRF', '... as a CSRF refusal');
my $t_bob = token_of($bob);
ok t_cmp(post_with($bob, $t_bob)->code, 200, 'his own token passes');
my $field = HTTP::Request->new(POST => $echo, ['Content-Type' => 'application/x-www-form-urlencoded'],
                               "message=hi&_csrf=$t_bob");
ok t_cmp($bob->request($field)->code, 200, '... in the form field too');

# --- a token minted before login --------------------------------------------------------
my $carol = browser();
my $t_before = token_of($carol);
ok bound_to($t_before, 'p:' . (cookie_value($carol, 'secmods-csrf') // ''))
    or print "# the pre-login token is not bound to the pre-session cookie\n";
ok t_cmp(post_with($carol, $t_before)->code, 200, 'before login, the pre-session token passes');
form_login($carol, undef, 'dana@example.com', 'dana-pw');
$r = post_with($carol, $t_before);
ok t_cmp($r->code, 403, 'after login the token minted before it is refused');
my $t_after = token_of($carol);
my $carol_ref = ref_of($carol);
ok bound_to($t_after, "s:$carol_ref") or print "# the new token is not session-bound\n";
my $js = cookie_value($carol, 'csrf-token');
ok bound_to($js, "s:$carol_ref") or print "# the script-readable cookie is not session-bound\n";
ok t_cmp(post_with($carol, $t_after)->code, 200, 'the token of a page served after login passes');

# --- logout ------------------------------------------------------------------------------
$r = $alice->post(url(undef, '/sess/logout'), 'Sec-Fetch-Site' => 'same-origin');
ok t_cmp($r->code, 303, 'alice logs out');
ok t_cmp(ref_of($alice), '(notfound)', 'she has no session any more');
ok t_cmp(post_with($alice, $t_alice)->code, 403, 'her token died with her session');

# revocation from outside (secctl, on the main server's shared memory)
my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $shm = File::Spec->catfile(Apache::Test::vars('t_logs'), 'secmods-store.shm');
my $out = qx{"$secctl" --shm "$shm" session revoke $bob_ref 2>&1};
ok t_cmp($? >> 8, 0, 'secctl revokes bob\'s session') or print "# $out";
ok t_cmp(post_with($bob, $t_bob)->code, 403, 'his token died with it');

my @ev = grep { ($_->{reason} // '') eq 'bad-token' } csrf_events($ev_mark);
ok t_cmp(scalar(@ev) >= 4, 1, 'the refusals are bad-token events');
# (session references may be logged: that is what they are for)
my $leak = grep { my $l = $_; grep { index($l, $_) >= 0 } $t_alice, $t_before, $t_after }
           split /\n/, log_since(events_file(), $ev_mark);
ok t_cmp($leak, 0, 'no token of these tests in the event log');

# --- the session store goes away --------------------------------------------------------------
my $dana = browser();
$r = form_login($dana, 'togetherdown', 'dana@example.com', 'dana-pw', path => '/login');
ok t_cmp($r->code, 303, 'a login on the server whose sessions live on the node we stop');
my $down_echo = url('togetherdown', '/csrf/csrf-echo.cgi');
my $t_down = token_of($dana, $down_echo);
ok t_cmp(post_with($dana, $t_down, $down_echo)->code, 200, 'her token passes while the store is up');

mc_stop(3);
# The server's local session cache (SecSessionCacheTTL 1s) may answer for a
# moment: poll for the refusal instead of guessing when the cache empties.
my $last;
ok wait_for(15, sub { $last = post_with($dana, $t_down, $down_echo); $last->code == 503 })
    or print "# with the store away the token check answered ", $last->code, "\n";
ok t_cmp(envelope($last)->{code}, 'STORE_UNAVAILABLE', 'fail closed: 503 with the envelope');
my ($deny) = grep { ($_->{reason} // '') eq 'store-unavailable' } csrf_events($ev_mark);
ok t_cmp($deny && "$deny->{event} $deny->{outcome}", 'csrf.deny error', '... and an event saying why');
my $err_log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
my $err_mark = log_mark($err_log);
$r = $dana->get($down_echo);
ok t_cmp(echo_fields($r->content)->{token}, '-', 'a page served meanwhile carries no token');
ok wait_for_log($err_log, $err_mark, qr/SEC06005/) or print "# no SEC06005 line\n";
$r = post_with($dana, $t_down, url('togetherdown', '/csrfreport/csrf-echo.cgi'));
ok t_cmp($r->code, 200, 'report mode lets it through');
ok scalar(grep { ($_->{event} // '') eq 'csrf.report' && ($_->{reason} // '') eq 'store-unavailable' }
          csrf_events($ev_mark)) or print "# no csrf.report event for the outage\n";
my $fm = HTTP::Request->new(POST => $down_echo, ['Content-Type' => 'application/x-www-form-urlencoded',
                                                 'Sec-Fetch-Site' => 'same-origin'], 'a=1');
ok t_cmp($dana->request($fm)->code, 200,
         'a same-origin POST (Fetch Metadata) never asks the session store: it passes');
mc_start(3);
