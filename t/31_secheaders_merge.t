# Per-directory merging: CSP additions add up down the tree, a profile
# starts afresh, explicit replacement, SecHeaders off below an enabled
# location; .htaccess under AllowOverride FileInfo, refused without it.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);

plan tests => 23;

my $legacy_head = "default-src 'self'; base-uri 'self'; form-action 'self'; "
                . "frame-ancestors 'self'; object-src 'none'";
my $api = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
sub csp { GET($_[0])->header('Content-Security-Policy') // '(none)' }

ok t_cmp(csp('/hdr/tree/'),
         "$legacy_head; script-src 'self' https://cdn.example.com; "
         . "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'",
         'parent: the profile plus its SecCSP');
ok t_cmp(csp('/hdr/tree/child/'),
         "$legacy_head; script-src 'self' https://cdn.example.com; "
         . "style-src 'self' 'unsafe-inline'; img-src 'self' data: https://img.example.com; "
         . "frame-src 'self'",
         'child: inherits the parent\'s addition and adds its own');
ok t_cmp(csp('/hdr/tree/child/grandchild/'),
         "$legacy_head; script-src 'self' https://cdn.example.com; "
         . "style-src 'self' 'unsafe-inline'; "
         . "img-src 'self' data: https://img.example.com https://img2.example.com; "
         . "frame-src 'self'",
         'grandchild: three levels add up');
ok t_cmp(GET('/hdr/tree/')->header('X-Frame-Options'), 'SAMEORIGIN', 'parent: legacy framing');
ok t_cmp(GET('/hdr/tree/child/')->header('X-Frame-Options'), 'DENY', 'child: its own option');
ok t_cmp(GET('/hdr/tree/child/grandchild/')->header('X-Frame-Options'), 'DENY',
         'grandchild: the option inherited');
ok t_cmp(csp('/hdr/tree/api/'), $api, 'a profile below starts afresh (no inherited additions)');
ok t_cmp(GET('/hdr/tree/api/')->header('Referrer-Policy'), 'no-referrer', 'api profile below');
ok t_cmp(csp('/hdr/tree/replace/'),
         "$legacy_head; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
         'SecCSPReplace: script-src replaced by \'none\', frame-src removed');
{
    my $res = GET('/hdr/tree/off/');
    ok t_cmp($res->code, 200, 'SecHeaders off below: 200');
    ok !defined $res->header('Content-Security-Policy') && !defined $res->header('X-Frame-Options')
        or print "# headers below SecHeaders off\n";
}
# <Directory> parent and child, and a <Location> over them
ok t_cmp(csp('/hdr/dirtree/'), qr/^\Q$legacy_head\E; .*img-src 'self' data: https:\/\/d1\.example;/,
         '<Directory>: the profile plus its SecCSP');
ok t_cmp(csp('/hdr/dirtree/child/'),
         qr/^\Q$legacy_head\E; .*img-src 'self' data: https:\/\/d1\.example https:\/\/d2\.example;/,
         'child <Directory>: adds to its parent\'s');
ok t_cmp(GET('/hdr/dirtree/')->header('X-Frame-Options'), 'SAMEORIGIN', '<Directory>: legacy framing');
ok t_cmp(GET('/hdr/dirtree/child/')->header('X-Frame-Options'), 'DENY', 'child <Directory>: its own option');
ok t_cmp(csp('/hdr/dirtree/child/loc/'),
         qr/img-src 'self' data: https:\/\/d1\.example https:\/\/d2\.example https:\/\/loc\.example;/,
         '<Location> over the <Directory> tree: adds to both');
ok t_cmp(GET('/hdr/dirtree/child/loc/')->header('X-Frame-Options'), 'DENY',
         '... and inherits the options');

# the same section reached many times resolves to the same policy (cached)
ok t_cmp(join('|', map { csp('/hdr/tree/child/') } 1 .. 5),
         join('|', (csp('/hdr/tree/child/')) x 5), 'stable across requests');

# .htaccess, AllowOverride FileInfo
ok t_cmp(csp('/hdr/hta/'), "$api; connect-src https://api.example.com",
         '.htaccess: profile and SecCSP');
ok t_cmp(csp('/hdr/hta/sub/'), "$api; connect-src https://api.example.com https://api2.example.com",
         'nested .htaccess adds to its parent\'s');
ok t_cmp(GET('/hdr/hta/sub/')->header('Referrer-Policy'), 'same-origin', 'nested .htaccess option');
my $mark = log_mark(File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log'));
ok t_cmp(GET('/hdr/htano/')->code, 500, 'without AllowOverride FileInfo the directive is refused');
ok wait_for_log(File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log'), $mark,
                qr/SecHeadersProfile not allowed here/)
    or print "# no 'not allowed here' in the error log\n";
