# SecCSRFInjectForms: a hidden token field in every same-origin POST form of
# text/html responses, from static files and CGI; tags in any case and
# quoting; forms in comments, scripts and raw text left alone; forms that
# post elsewhere or already have a field left alone; pages cut at bucket
# boundaries (mod_bucketeer) give the same result; mod_deflate compresses
# after injection; a gzip'd CGI response is passed on untouched with a log
# line; Content-Length is right; the injected token is valid.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use HTTP::Request;
use SecTest qw(:all);
use SecCore qw(:all);
use SecCsrf qw(:all);

plan tests => 39;

my $field_re = qr{<input type="hidden" name="_csrf" value="(t2\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})">};
my $htdocs = File::Spec->catdir(Apache::Test::vars('serverroot'), 'htdocs', 'csrf');
my $err_log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');

sub slurp {
    my $file = shift;
    open my $fh, '<', $file or die "$file: $!";
    binmode $fh;
    local $/;
    return scalar <$fh>;
}

# The ids of the forms that got a field (right after their start tag), the
# page with the fields taken out again, and the tokens.
sub injected {
    my $html = shift;
    my (@ids, @tokens);
    while ($html =~ /<form\b((?:[^>"']|"[^"]*"|'[^']*')*)>$field_re/gi) {
        my ($attrs, $tok) = ($1, $2);
        my ($id) = $attrs =~ /\bid\s*=\s*["']?([\w-]+)/i;
        push @ids, $id // '?';
        push @tokens, $tok;
    }
    (my $plain = $html) =~ s/$field_re//g;
    return (\@ids, $plain, \@tokens);
}

my @want = qw(p-dq p-sq p-noq p-upper p-mixed p-multiline p-late-method p-other-field p-selfclose);

my $ua = browser();
my $res = $ua->get(url(undef, '/csrf/inject/forms.html'));
ok t_cmp($res->code, 200, 'static page');
my ($ids, $plain, $tokens) = injected($res->content);
ok t_cmp("@$ids", "@want", 'exactly the same-origin POST forms got a field');
ok t_cmp($plain, slurp("$htdocs/inject/forms.html"), 'nothing else changed, byte for byte');
my ($existing) = $res->content =~ /(<form method="post" id="e-existing-late">.*?<\/form>)/s;
ok t_cmp($existing // '', qr/^<form method="post" id="e-existing-late"><input name="a">/,
         'a form with its own field later on was left alone');
my $cl = $res->header('Content-Length');
ok !defined $cl || $cl == length $res->content or print "# Content-Length $cl for ", length($res->content), "\n";
ok !defined $res->header('ETag') or print "# ETag kept on a changed body\n";
ok t_cmp($res->header('Vary') // '', qr/\bCookie\b/, 'Vary: Cookie');
my %uniq = map { $_ => 1 } @$tokens;
ok t_cmp(scalar keys %uniq, 1, 'one token per response');

# the injected token is valid: submit the form as a browser without
# Fetch Metadata or Origin would
my $body = "_csrf=$tokens->[0]&message=hi";
$res = $ua->request(HTTP::Request->new(POST => url(undef, '/cgi-bin/csrf-echo.cgi'),
                                       ['Content-Type' => 'application/x-www-form-urlencoded'], $body));
ok t_cmp($res->code, 200, 'the injected token passes');

# keep-alive: the next response on the same connection is intact too
my $again = $ua->get(url(undef, '/csrf/inject/forms.html'));
my ($ids2) = injected($again->content);
ok t_cmp("@$ids2", "@want", 'second response on a kept-alive connection');
ok t_cmp($again->content ne $res->content, 1, 'with a fresh token');

# a directory's index page (mod_dir, after fixups)
$res = $ua->get(url(undef, '/csrf/inject/'));
($ids) = injected($res->content);
ok t_cmp("@$ids", 'p-index', 'the index page of a directory');

# <base href> elsewhere: relative actions leave the site
$res = $ua->get(url(undef, '/csrf/inject/base.html'));
($ids) = injected($res->content);
ok t_cmp("@$ids", 'p-base-noaction p-base-empty', 'relative action under a foreign <base> left alone');

# not HTML, HEAD, not configured
$res = $ua->get(url(undef, '/csrf/inject/plain.txt'));
ok t_cmp($res->content, slurp("$htdocs/inject/plain.txt"), 'text/plain untouched');
$res = $ua->head(url(undef, '/csrf/inject/forms.html'));
ok t_cmp($res->code, 200, 'HEAD');
$res = $ua->get(url(undef, '/csrf/on/index.html'));
ok t_cmp($res->header('Set-Cookie') // '', '', 'no token where nothing asks for one');

# split at bucket and brigade boundaries everywhere: the same result
$res = $ua->get(url(undef, '/csrf/split/forms.html'));
ok t_cmp($res->code, 200, 'page cut into buckets every few bytes');
($ids, $plain) = injected($res->content);
ok t_cmp("@$ids", "@want", 'same forms injected');
(my $expect = slurp("$htdocs/split/forms.html")) =~ tr/\x02\x10//d;
ok t_cmp($plain, $expect, 'and otherwise the page as sent');
ok t_cmp($plain, slurp("$htdocs/inject/forms.html"), 'which is the unsplit page');

# mod_deflate after the filter: injected, then compressed
$res = $ua->get(url(undef, '/csrf/deflate/forms.html'), 'Accept-Encoding' => 'gzip');
ok t_cmp($res->header('Content-Encoding') // '', 'gzip', 'compressed by mod_deflate');
my $raw = $res->content;
my $html;
ok gunzip(\$raw => \$html) or print "# gunzip: $GunzipError\n";
($ids, $plain) = injected($html // '');
ok t_cmp("@$ids", "@want", 'injected before compression');
ok t_cmp($plain, slurp("$htdocs/deflate/forms.html"), 'content intact');
$res = $ua->get(url(undef, '/csrf/deflate/forms.html'));
($ids) = injected($res->content);
ok t_cmp("@$ids", "@want", 'uncompressed for a client without gzip');

# CGI output: whole, in small pieces, and gzip'd by the script itself
$res = $ua->get(url(undef, '/cgi-bin/csrf-forms.cgi'));
ok t_cmp($res->code, 200, 'CGI page');
($ids) = injected($res->content);
ok t_cmp("@$ids", 'c-post c-upper', 'CGI forms injected');
ok t_cmp($res->content, qr/<form method="post" id="c-existing"><input type="hidden" name="_csrf" value="mine"><\/form>/,
         'the CGI form with its own field left alone');
$res = $ua->get(url(undef, '/cgi-bin/csrf-forms.cgi?pieces=1'));
($ids) = injected($res->content);
ok t_cmp("@$ids", 'c-post c-upper', 'CGI output written in 3-byte pieces');
$cl = $res->header('Content-Length');
ok !defined $cl || $cl == length $res->content or print "# Content-Length $cl\n";
# a script that states its own Content-Length: the injected page is longer
$res = $ua->get(url(undef, '/cgi-bin/csrf-forms.cgi?length=1'));
($ids) = injected($res->content);
ok t_cmp("@$ids", 'c-post c-upper', 'CGI with its own Content-Length: forms injected');
$cl = $res->header('Content-Length');
ok !defined $cl || $cl == length $res->content or print "# Content-Length $cl for ", length($res->content), "\n";
ok t_cmp($res->content, qr{</html>\n$}, '... and the page is whole');

my $mark = log_mark($err_log);
$res = $ua->get(url(undef, '/cgi-bin/csrf-forms.cgi?gzip=1'), 'Accept-Encoding' => 'gzip');
ok t_cmp($res->header('Content-Encoding') // '', 'gzip', 'a gzip response from the script');
$raw = $res->content;
$html = undef;
ok gunzip(\$raw => \$html) or print "# gunzip: $GunzipError\n";
($ids) = injected($html // '');
ok t_cmp("@$ids", '', 'passed on untouched (still valid gzip, no field)');
my $logged = wait_for_log($err_log, $mark, qr/SEC06006/) // '';
ok t_cmp($logged, qr/SEC06006: SecCSRFInjectForms: the response is already compressed \(Content-Encoding: gzip\)/,
         'and the skip is logged');

# the tokens in pages are bound like any other: another client's is refused
my $other = browser();
$res = $other->get(url(undef, '/csrf/inject/forms.html'));
my (undef, undef, $other_tokens) = injected($res->content);
$res = $ua->request(HTTP::Request->new(POST => url(undef, '/cgi-bin/csrf-echo.cgi'),
                                       ['Content-Type' => 'application/x-www-form-urlencoded'],
                                       "_csrf=$other_tokens->[0]"));
ok t_cmp($res->code, 403, "another client's page token is refused");
ok t_cmp(envelope($res)->{reason}, 'bad-token', 'bad-token');
