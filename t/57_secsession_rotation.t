# Key rotation on a second httpd with a keyring of its own: after
# "secctl rotate" and a graceful restart, cookies signed with the previous
# key stay valid and new cookies carry the new key; once the old key is
# retired (and the server reloaded), cookies signed with it are refused.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);

plan tests => 13;

my $h = httpd_new('rotation-httpd');
my $dir = $h->{dir};
my $port = $h->{port};
my $conf_dir = File::Spec->catdir(Apache::Test::vars('serverroot'), 'conf');
my $htdocs = File::Spec->catdir(Apache::Test::vars('serverroot'), 'htdocs', 'sess', 'private');
my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $keys = "$dir/rotation.keys";
system($secctl, 'keygen', $keys, '--id', 'k1') == 0 or die "secctl keygen failed\n";
ok t_cmp(sprintf('%o', (stat $keys)[2] & 0777), '600', 'secctl keygen writes the key file 0600');

httpd_start($h, modules => [qw(authn_core authn_file authz_user alias mime dir)],
            ours => [qw(seccore secsession)], conf => "LogLevel info\n" . <<"EOF");
TypesConfig /etc/mime.types
SecStore shm size=4M
SecKeyFile "$keys"
SecSessionCookie name=t_rot secure=off
Alias /private "$htdocs"
<Location /private>
    AuthType SecSession
    Require valid-user
</Location>
<Location /login>
    SetHandler secsession-login
    AuthUserFile "$conf_dir/sess.htpasswd"
    Require all granted
</Location>
<Location /status>
    SetHandler secmods-status
    Require all granted
</Location>
EOF
my $pid = $h->{pid};
my $base = "http://127.0.0.1:$port";
my $json = JSON::PP->new->utf8;
sub current_key {
    my $doc = eval { $json->decode(api_client()->get("$base/status")->content) } // {};
    return $doc->{keyring}{current} // '';
}
ok wait_for(10, sub { current_key() eq 'k1' }) or print "# rotation server not answering\n";

sub login {
    my $r = form_login(browser(), undef, 'alice', 'alice-pw', base => $base);
    die "login failed: " . $r->code unless $r->code == 303;
    return session_cookie($r, 't_rot');
}
sub works { api_client()->get("$base/private/", Cookie => "t_rot=$_[0]", JSON_ACCEPT)->code }
sub graceful {
    my ($want) = @_;
    my $mark = log_mark("$dir/error_log");
    kill 'USR1', $pid or die "kill USR1 $pid: $!";
    wait_for_log("$dir/error_log", $mark, qr/resuming normal operations/, 20)
        or die "no graceful restart seen\n";
    return wait_for(10, sub { current_key() eq $want });
}

my $old = login();
ok t_cmp($old, qr/^1\.k1\./, 'a cookie signed with k1');
ok t_cmp(works($old), 200, '... works');

system($secctl, 'rotate', $keys, '--id', 'k2') == 0 or die "secctl rotate failed\n";
ok graceful('k2') or print "# k2 not current after the reload\n";
ok t_cmp(works($old), 200, 'after rotation the k1 cookie still works (same session, from the kept store)');
my $new = login();
ok t_cmp($new, qr/^1\.k2\./, 'new cookies carry k2');
ok t_cmp(works($new), 200, '... and work');

system($secctl, 'retire', $keys, 'k1') == 0 or die "secctl retire failed\n";
ok graceful('k2') or print "# reload after retire failed\n";
ok t_cmp(works($old), 401, 'k1 retired: its cookies are refused');
ok t_cmp(works($new), 200, 'k2 cookies still work');
my $log = log_since("$dir/error_log", 0);
ok t_cmp($log =~ /SEC0500[45]/ ? 1 : 0, 0, 'no key warnings at start (0600 file, keyring present)');
ok t_cmp(index($log, $old) + index($log, $new), -2, 'no cookie in the error log');
