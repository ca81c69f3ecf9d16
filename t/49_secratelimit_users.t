# Zones keyed on the user httpd authenticated (%{REMOTE_USER}, here with
# mod_auth_basic): checked after authentication, one count per user however
# many addresses share it; a failures-only zone on the user name stops a
# brute force on one account without locking out the others. And a zone
# defined with a preset's name replaces the preset, in its server only.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();
use MIME::Base64 qw(encode_base64);
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 26;

my $json = JSON::PP->new->utf8;
my $ev = events_file();
sub basic { my ($user, $pw) = @_; (Authorization => 'Basic ' . encode_base64("$user:$pw", '')) }
sub as { my ($path, $user, $pw, @h) = @_; GET($path, basic($user, $pw), Accept => 'application/json', @h) }
sub codes { my ($n, @args) = @_; join ' ', map { as(@args)->code } 1 .. $n }

# --- per user: rate=2/1m keyed on REMOTE_USER ---------------------------------------------
my $mark = log_mark($ev);
ok t_cmp(GET('/rl/peruser')->code, 401, 'no credentials: 401 from authentication, nothing counted');
ok t_cmp(codes(2, '/rl/peruser', 'alice', 'alice-pw'), '200 200', "alice's two requests pass");
my $r = as('/rl/peruser', 'alice', 'alice-pw');
ok t_cmp($r->code, 429, "alice's third is refused");
ok t_cmp($r->header('RateLimit-Policy'), '"t_peruser";q=2;w=60', 'RateLimit-Policy');
ok t_cmp(eval { $json->decode($r->content)->{code} } // '', 'RATE_LIMITED', 'envelope');
ok t_cmp(codes(2, '/rl/peruser', 'bob', 'bob-pw'), '200 200',
         'bob, from the same address, has his own count');
ok t_cmp(as('/rl/peruser', 'bob', 'bob-pw')->code, 429, '... and his own limit');
ok t_cmp(as('/rl/peruser', 'alice', 'wrong')->code, 401,
         'a wrong password for alice is answered by authentication, not the limit');

my ($deny) = grep { ($_->{zone} // '') eq 't_peruser' && ($_->{user} // '') eq 'alice' }
             map { eval { $json->decode($_) } || () } grep { /ratelimit\.deny/ }
             split /\n/, (wait_for_log($ev, $mark, qr/ratelimit\.deny.*t_peruser/) // '');
ok $deny or print "# no deny event for alice\n";
ok t_cmp($deny->{subjectKind}, 'expression', 'the event says the key is an expression');
ok t_cmp($deny->{subject}, qr/^a\*\*\*/, '... shows it masked');
ok log_since($ev, $mark) !~ /"alice"[^\n]*"subject":"alice"/ or print "# raw user name as subject\n";

# --- brute force on one account: count=failures keyed on REMOTE_USER, 3/1m --------------------
ok t_cmp(codes(3, '/rl/userfail', 'bob', 'guess'), '401 401 401', 'three wrong passwords for bob');
ok t_cmp(as('/rl/userfail', 'bob', 'guess')->code, 401,
         'a fourth wrong one: still 401 (authentication answers before the check)');
$mark = log_mark($ev);
$r = as('/rl/userfail', 'bob', 'bob-pw');
ok t_cmp($r->code, 429, "bob's right password is refused now: the guessing is over");
ok t_cmp($r->header('RateLimit-Policy'), '"t_userfail";q=3;w=60', 'policy header');
ok t_cmp(as('/rl/userfail', 'alice', 'alice-pw')->code, 200,
         'another account, from the same address, is not locked');
ok t_cmp(codes(2, '/rl/userfail', 'alice', 'alice-pw'), '200 200', 'successes never count');
ok t_cmp(codes(2, '/rl/userfail', 'alice', 'nope'), '401 401', 'two failures for alice');
ok t_cmp(as('/rl/userfail', 'alice', 'alice-pw')->code, 200, '... under her limit: still in');
my ($ud) = grep { ($_->{zone} // '') eq 't_userfail' }
           map { eval { $json->decode($_) } || () } grep { /ratelimit\.deny/ }
           split /\n/, (wait_for_log($ev, $mark, qr/ratelimit\.deny.*t_userfail/) // '');
ok t_cmp($ud->{reason}, 'failures', 'deny event, reason failures');
ok t_cmp($ud->{count}, 5, '... at five: the four failures authentication refused, and this one');

# --- a zone named like a preset replaces it, in its virtual host -------------------------
ok t_cmp(GET('/rl/strict')->header('RateLimit-Policy'), '"strict";q=20;w=60',
         'the main server has the preset: strict is 20/1m');
my @xff = ('X-Forwarded-For' => '198.51.100.7');
my $v = url('rlremote', '/strict');
ok t_cmp(join(' ', map { GET($v, @xff)->code } 1 .. 3), '200 200 429',
         'the virtual host that defines strict=2/1m refuses the third');
ok t_cmp(GET($v, @xff)->header('RateLimit-Policy'), '"strict";q=2;w=60', '... and says so');
ok t_cmp(GET('/rl/strict')->code, 200, 'the preset on the main server is unaffected');
