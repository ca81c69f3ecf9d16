# mod_secheaders on the responses the other modules answer themselves: a
# 429 of mod_secratelimit, a 401 (API) and a 302 (browser) of
# mod_secsession, a 403 of mod_seccsrf -- each still carries the strict
# profile's headers beside its own, and its envelope.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET POST);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession ();

plan tests => 27;

my $json = JSON::PP->new->utf8;

# The strict profile's mark on a response, and the suite's envelope.
sub profile_headers {
    my ($res, $what) = @_;
    ok t_cmp($res->header('Content-Security-Policy') // '', qr/^default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; /,
             "$what: Content-Security-Policy");
    ok t_cmp($res->header('X-Frame-Options') // '', 'DENY', "$what: X-Frame-Options");
    ok t_cmp($res->header('X-Content-Type-Options') // '', 'nosniff', "$what: X-Content-Type-Options");
}

sub code_of {
    my $res = shift;
    my $doc = eval { $json->decode($res->content) } || {};
    return $doc->{code} // '';
}

# Every refusal of the suite is counted in one family, by module and code.
sub denials {
    my $text = GET('/secmods/metrics')->content;
    return { map { $_ => metric_value($text, "secmods_denials_total{$_}") }
             'module="secratelimit",code="RATE_LIMITED"', 'module="secsession",code="UNAUTHORIZED"',
             'module="seccsrf",code="CSRF"' };
}
my $before = denials();

my $ok = GET('/together/hdr/limited/', Accept => 'application/json');
ok t_cmp($ok->code, 200, 'the first request within the limit passes');
profile_headers($ok, 'an allowed response');

my $limited = GET('/together/hdr/limited/', Accept => 'application/json');
ok t_cmp($limited->code, 429, 'the second is refused by mod_secratelimit');
ok t_cmp(code_of($limited), 'RATE_LIMITED', '... with its envelope');
ok t_cmp($limited->header('Retry-After') // '', qr/^\d+$/, '... and Retry-After');
profile_headers($limited, 'the 429');

my $api = GET('/together/hdr/private/', Accept => 'application/json');
ok t_cmp($api->code, 401, 'an API request without a session: 401 from mod_secsession');
ok t_cmp(code_of($api), 'UNAUTHORIZED', '... with its envelope');
profile_headers($api, 'the 401');

# (a client that does not follow the redirect)
my $nav = SecSession::browser()->get(url(undef, '/together/hdr/private/'), SecSession::NAV);
ok t_cmp($nav->code, 302, 'a navigation without a session is sent to the login page');
profile_headers($nav, 'the 302');

my $csrf = POST('/together/hdr/csrf/', 'Sec-Fetch-Site' => 'cross-site', Accept => 'application/json',
                content => 'a=1');
ok t_cmp($csrf->code, 403, 'a cross-site POST: 403 from mod_seccsrf');
ok t_cmp(code_of($csrf), 'CSRF', '... with its envelope');
profile_headers($csrf, 'the 403');

my $after = denials();
ok t_cmp($after->{$_} - $before->{$_}, 1, "secmods_denials_total{$_} counted the refusal")
    for sort keys %$after;
