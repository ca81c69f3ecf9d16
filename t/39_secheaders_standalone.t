# mod_secheaders needs no store and no mod_seccore: a second httpd with
# only this module sends the profile's headers, removes leaky ones, answers
# CORS preflights, and writes CSP reports to its error log (SEC03020)
# without secrets, bounded per process; refusals are httpd's own pages.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET POST);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request ();
use SecTest qw(:all);

plan tests => 15;

my $h = httpd_new('standalone-httpd');
my $dir = $h->{dir};
my $port = $h->{port};
mkdir "$dir/htdocs";
open my $fh, '>', "$dir/htdocs/index.html" or die $!;
print $fh "<html><body>standalone</body></html>\n";
close $fh;
httpd_start($h, modules => [qw(mime dir)], ours => [qw(secheaders)], conf => <<"EOF");
LogLevel info
DocumentRoot "$dir/htdocs"
TypesConfig /etc/mime.types
DirectoryIndex index.html
ServerTokens Prod
<Location />
    Require all granted
    SecHeadersProfile strict
    SecCSPReportURI /csp-report
    SecCORSAllowOrigin https://app.example.com
</Location>
<Location /csp-report>
    SetHandler seccsp-report
    SecCSPReportEventLimit 2
</Location>
EOF
my $pid = $h->{pid};
my $base = "http://127.0.0.1:$port";
ok wait_for(10, sub { GET("$base/")->code == 200 }) or print "# standalone server not answering\n";

my $res = GET("$base/", Origin => 'https://app.example.com');
ok t_cmp($res->header('X-Frame-Options'), 'DENY', 'profile headers without seccore');
ok t_cmp($res->header('Content-Security-Policy'), qr/report-uri \/csp-report; report-to secmods-csp$/,
         'CSP with the report endpoint');
ok t_cmp($res->header('Access-Control-Allow-Origin'), 'https://app.example.com', 'CORS');
ok t_cmp($res->header('Server'), 'Apache', 'ServerTokens Prod: the Server header names no version');
my $pre = Apache::TestRequest::user_agent()->request(HTTP::Request->new(
    OPTIONS => "$base/", [Origin => 'https://app.example.com',
                          'Access-Control-Request-Method' => 'POST']));
ok t_cmp($pre->code, 204, 'preflight answered');

my $log = "$dir/error_log";
ok log_since($log, 0) !~ /SEC03006/ or print "# ServerTokens advice although it is Prod\n";
ok t_cmp(log_since($log, 0), qr/SEC03007: secheaders: mod_seccore is not loaded; CSP reports go to the error log/,
         'start-up says where reports go');

my $mark = log_mark($log);
my $body = '{"csp-report":{"document-uri":"https://app.example.com/p?token=SECRET",'
         . '"blocked-uri":"https://evil.example/x.js?k=SECRET","effective-directive":"script-src-elem",'
         . '"original-policy":"script-src \'nonce-SECRETNONCE\'","disposition":"enforce",'
         . '"script-sample":"SECRET","line-number":4}}';
my @codes = map { POST("$base/csp-report", 'Content-Type' => 'application/csp-report',
                       content => $body)->code } 1 .. 4;
ok t_cmp("@codes", '204 204 204 204', 'reports answered 204');
my $text = wait_for_log($log, $mark, qr/SEC03020/) // '';
ok t_cmp($text, qr/SEC03020: CSP violation \(enforce\): directive=script-src-elem blocked=https:\/\/evil\.example\/x\.js document=https:\/\/app\.example\.com\/p /,
         'the report in the error log');
ok $text !~ /SECRET/ or print "# a secret in the error log: $text\n";
my $n = () = log_since($log, $mark) =~ /SEC03020/g;
ok $n >= 1 && $n <= 2 * 2 or print "# $n report lines for a limit of 2 per process\n";
$res = GET("$base/csp-report");
ok t_cmp($res->code, 405, 'GET: httpd\'s own 405 page without seccore');
ok t_cmp($res->header('Content-Type'), qr{^text/html}, 'its HTML');
$res = POST("$base/csp-report", 'Content-Type' => 'text/plain', content => 'x');
ok t_cmp($res->code, 415, 'wrong type: 415');
