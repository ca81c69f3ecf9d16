# Every shipped snippet under conf/, and the README's example, passes
# configtest, so what the docs tell admins to copy actually loads.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);

my $top = build_dir();
my $libs = File::Spec->catfile($top, '.libs');
my %module_of = (secratelimit => 'secratelimit', secheaders => 'secheaders',
                 secsession => 'secsession', seccsrf => 'seccsrf');
my @files = sort(glob("$top/conf/examples/*.conf"), "$top/conf/seccore.conf",
                 grep { -f } map { "$top/conf/$_.conf" } sort keys %module_of);

# The README's example: its first apache block, with the modules it loads
# from /usr/lib/apache2/modules taken from this tree instead.
my $readme = do { open my $fh, '<', "$top/README.md" or die $!; local $/; <$fh> };
my ($example) = $readme =~ /^```apache\n(.*?)^```$/ms or die "no apache block in README.md\n";
$example =~ s{^LoadModule sec\w+_module \S+\n}{}mg;
$example =~ s{/var/log/apache2/}{logs/}g;

plan tests => @files + 1;

for my $file (@files, 'README.md') {
    my $text = $example;
    if ($file ne 'README.md') {
        open my $fh, '<', $file or die "$file: $!";
        $text = do { local $/; <$fh> };
        close $fh;
    }
    # Load every built secmods module the snippet may use, from this tree.
    my $load = '';
    for my $m (sort keys %module_of) {
        my $so = "$libs/mod_$m.so";
        $load .= "LoadModule ${m}_module \"$so\"\n" if -f $so;
    }
    # Debian's envvars are not set here.
    $text =~ s/\$\{APACHE_LOG_DIR\}/logs/g;
    # The documented key file: the test keyring stands in for it.
    $text =~ s{/etc/apache2/secmods\.keys}{File::Spec->catfile($top, 't', 'conf', 'test.keys')}ge;
    my ($rc, $out) = configtest($load . $text,
                                modules => [qw(remoteip authn_core authn_file auth_basic
                                               authz_user authz_host headers alias)]);
    ok t_cmp($rc, 0, "configtest of " . ($file =~ s{.*/conf/}{conf/}r)) or print "# $out";
}
