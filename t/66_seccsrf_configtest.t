# Bad values fail configtest with a message naming the directive and the
# value; tokens without a key fail at start-up; a complete configuration
# passes.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);

my $so = File::Spec->catfile(build_dir(), '.libs', 'mod_seccsrf.so');
my $load = "LoadModule seccsrf_module \"$so\"\n";
my $keys = File::Spec->catfile(Apache::Test::vars('t_conf'), 'test.keys');

my @bad = (
    ["<Location />\nSecCSRF maybe\n</Location>", qr/SecCSRF maybe: expected on, off or report/],
    ["<Location />\nSecCSRFTrustedOrigin https://ok.example http://bad.example/path\n</Location>",
     qr/SecCSRFTrustedOrigin http:\/\/bad\.example\/path: /],
    ["<Location />\nSecCSRFTrustedOrigin https://*.com\n</Location>", qr/SecCSRFTrustedOrigin https:\/\/\*\.com: /],
    ["<Location />\nSecCSRFTrustedOrigin none https://a.example\n</Location>",
     qr/SecCSRFTrustedOrigin: 'none' stands alone/],
    ["<Location />\nSecCSRFToken maybe\n</Location>", qr/SecCSRFToken must be On or Off/],
    ["<Location />\nSecCSRFTokenHeader X:Token\n</Location>", qr/SecCSRFTokenHeader X:Token: not a header name/],
    ["<Location />\nSecCSRFTokenHeader Sec-Token\n</Location>",
     qr/SecCSRFTokenHeader Sec-Token: a header the browser sets/],
    ["<Location />\nSecCSRFTokenHeader Cookie\n</Location>", qr/SecCSRFTokenHeader Cookie: a header the browser sets/],
    ["<Location />\nSecCSRFTokenField \"a b\"\n</Location>", qr/SecCSRFTokenField a b: use 1-64 characters/],
    ["<Location />\nSecCSRFBodyLimit 10\n</Location>", qr/SecCSRFBodyLimit 10: expected a size from 1K to 64M/],
    ["<Location />\nSecCSRFBodyLimit 1G\n</Location>", qr/SecCSRFBodyLimit 1G: expected a size/],
    ["<Location />\nSecCSRFBodyLimit lots\n</Location>", qr/SecCSRFBodyLimit lots: expected a size/],
    ["<Location />\nSecCSRFNoOrigin allow\n</Location>", qr/SecCSRFNoOrigin allow: expected token or refuse/],
    ["<Location />\nSecCSRFExempt \"%{HTTP:X\"\n</Location>", qr/SecCSRFExempt %\{HTTP:X: /],
    ["SecCSRFCookie \"bad name\"", qr/SecCSRFCookie bad name: not a cookie name/],
    ["SecCSRFCookie __Host-x", qr/SecCSRFCookie __Host-x: leave the prefix out/],
    ["SecCSRFTokenCookie __Secure-x", qr/SecCSRFTokenCookie __Secure-x: leave the prefix out/],
    ["<Location />\nSecCSRFCookie x\n</Location>", qr/SecCSRFCookie not allowed in <Location> context/],
    ["<Location />\nSecCSRFToken on\n</Location>",
     qr/SecCSRFToken on \(.* line \d+\): tokens need a key: add SecKeyFile/],
    ["<VirtualHost 127.0.0.1:1>\nSecCSRFInjectForms on\n</VirtualHost>",
     qr/SecCSRFInjectForms on \(.* line \d+\): tokens need a key/],
);

plan tests => 2 * @bad + 3;

for my $case (@bad) {
    my ($conf, $want) = @$case;
    my ($rc, $out) = configtest($load . $conf);
    ok $rc != 0 or print "# accepted: $conf\n";
    ok t_cmp($out, $want, "message for: $conf");
}

my $good = <<"CONF";
SecKeyFile "$keys"
SecCSRFCookie app-pre
SecCSRFTokenCookie XSRF-TOKEN
<Location />
    SecCSRF on
    SecCSRFTrustedOrigin https://*.example.com https://partner.example:8443
    SecCSRFToken on
    SecCSRFTokenHeader X-XSRF-Token
    SecCSRFTokenField authenticity_token
    SecCSRFBodyLimit 256K
    SecCSRFNoOrigin token
    SecCSRFInjectForms on
    SecCSRFExempt "%{HTTP:X-Hub-Signature-256} =~ /^sha256=/"
</Location>
<Location /admin>
    SecCSRFNoOrigin refuse
    SecCSRFTrustedOrigin none
</Location>
<Location /rollout>
    SecCSRF report
</Location>
<Location /webhook>
    SecCSRF off
</Location>
CONF
my ($rc, $out) = configtest($load . $good);
ok t_cmp($rc, 0, 'a complete good configuration passes') or print "# $out";
ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');

# Without mod_seccore the module refuses to start (post_config), but
# configtest runs no post_config: check it says nothing worse than that.
($rc, $out) = configtest($load . "<Location />\nSecCSRF on\n</Location>\n", seccore => 0);
ok t_cmp($out, qr/Syntax OK/, 'without mod_seccore the syntax is still fine');
