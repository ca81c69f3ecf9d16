# secctl reads the server's own settings: SecStore and SecKeyFile from the
# httpd config (Include, Define and ${VAR} followed, <VirtualHost> skipped),
# and talks to the store that config names -- the running server's shared
# memory or memcached -- with exit codes a script can test.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use JSON::PP ();
use SecTest qw(:all);

plan tests => 24;

my $secctl = File::Spec->catfile(build_dir(), 'secctl');
sub secctl { my $out = qx{"$secctl" @_ 2>&1}; return ($? >> 8, $out) }
my $json = JSON::PP->new;

# --- the suite's own config: Apache::Test's httpd.conf and what it includes ----
my $conf = File::Spec->catfile(Apache::Test::vars('t_conf'), 'httpd.conf');
my ($rc, $out) = secctl('-f', $conf, 'store', 'ping');
ok t_cmp($rc, 0, "store ping through the suite's httpd.conf") or print "# $out";
ok t_cmp($out, qr/^shm store: ok \(set\/get\/del in \d+ us\)$/m, '... reached its shared memory');
($rc, $out) = secctl('-f', $conf, 'store', 'stats');
ok t_cmp($rc, 0, 'store stats of the running server');
my $doc = eval { $json->decode($out) } || {};
ok t_cmp($doc->{reachable} ? 1 : 0, 1, '... says reachable') or print "# $out";
($rc, $out) = secctl('-f', $conf, 'keys');
ok t_cmp($rc, 0, "keys: the SecKeyFile of the suite's config") or print "# $out";
ok t_cmp($out, qr/^\S+ \(current\)$/m, '... lists its current key');

# --- memcached, named on the command line --------------------------------------
($rc, $out) = secctl('--memcached', mc_addr(1) . ',' . mc_addr(2), 'store', 'ping');
ok t_cmp($rc, 0, 'store ping of the memcached pair') or print "# $out";
ok t_cmp($out, qr/^memcached store: ok/m, '... by the memcached provider');
($rc, $out) = secctl('--memcached', mc_addr(1) . ',' . mc_addr(2), 'store', 'stats');
$doc = eval { $json->decode($out) } || {};
ok t_cmp($rc, 0, 'store stats of the pair');
ok t_cmp($doc->{reachable} ? 1 : 0, 1, '... reachable') or print "# $out";

mc_stop(3);
($rc, $out) = secctl('--memcached', mc_addr(3), 'store', 'ping');
ok t_cmp($rc, 1, 'store ping of a stopped memcached exits 1');
ok t_cmp($out, qr/^secctl: store memcached: /m, '... and says why');
($rc, $out) = secctl('--memcached', mc_addr(3), 'store', 'stats');
ok t_cmp($rc, 1, 'store stats of a stopped memcached exits 1');
mc_start(3);

# --- a config of its own: Include, Define, ${VAR}, a vhost to skip ------------
my $dir = tempdir('secctl.XXXXXX', DIR => state_dir(), CLEANUP => 1);
make_path("$dir/conf.d", "$dir/keys", "$dir/vhost");
my $mc = mc_addr(1);
open my $fh, '>', "$dir/main.conf" or die $!;
print $fh <<"EOF";
ServerRoot "$dir"
Define KEYDIR $dir/keys
Define MC $mc
Include conf.d/*.conf
EOF
close $fh;
open $fh, '>', "$dir/conf.d/secmods.conf" or die $!;
print $fh <<'EOF';
SecStore memcached ${MC} timeout=200ms
SecKeyFile ${KEYDIR}/site.keys
<VirtualHost *:80>
    SecKeyFile vhost/other.keys
</VirtualHost>
EOF
close $fh;

($rc, $out) = secctl('-f', "$dir/main.conf", 'keygen', '--id', 'first');
ok t_cmp($rc, 0, "keygen without FILE writes the config's SecKeyFile") or print "# $out";
ok -f "$dir/keys/site.keys" && !-e "$dir/vhost/other.keys"
    or print "# not the main server's key file\n";
ok t_cmp((stat "$dir/keys/site.keys")[2] & 07777, 0600, '... mode 0600');
($rc, $out) = secctl('-f', "$dir/main.conf", 'rotate', '--id', 'second');
ok t_cmp($rc, 0, 'rotate without FILE') or print "# $out";
($rc, $out) = secctl('-f', "$dir/main.conf", 'retire', 'first');
ok t_cmp($rc, 0, 'retire ID without FILE') or print "# $out";
($rc, $out) = secctl('-f', "$dir/main.conf", 'keys');
ok t_cmp($out, "second (current)\n", 'keys: only the rotated key is left, current');
($rc, $out) = secctl('-f', "$dir/main.conf", 'store', 'ping');
ok t_cmp($rc, 0, 'store ping: the memcached of the included file') or print "# $out";
ok t_cmp($out, qr/^memcached store: ok/m, '... by the memcached provider');

# A config without SecKeyFile: the key commands say so instead of guessing.
open $fh, '>', "$dir/nokeys.conf" or die $!;
print $fh "ServerRoot \"$dir\"\nSecStore shm\n";
close $fh;
($rc, $out) = secctl('-f', "$dir/nokeys.conf", 'keys');
ok t_cmp($rc, 2, 'keys without FILE or SecKeyFile is a usage error');
ok t_cmp($out, qr/sets no SecKeyFile; name the key FILE/, '... that says what to do');
($rc, $out) = secctl('-f', "$dir/missing.conf", 'store', 'ping');
ok t_cmp($rc, 1, 'a config file that is not there: exit 1') or print "# $out";
