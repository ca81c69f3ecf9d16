# `make install` puts what an admin needs where the README says: the five
# modules in the module directory (no libtool clutter), seccore.load /
# seccore.conf and the others' in mods-available so a2enmod works, secctl in
# bindir -- and the installed modules and snippets load together.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Temp qw(tempdir);
use SecTest qw(:all);

my @modules = qw(seccore secratelimit secheaders secsession seccsrf);

plan tests => 3 + 3 * @modules + 2;

my $top = build_dir();
my $dest = tempdir('install.XXXXXX', DIR => state_dir(), CLEANUP => 1);
my $out = qx{make -s -C "$top" install DESTDIR="$dest" 2>&1};
ok t_cmp($? >> 8, 0, 'make install DESTDIR=... succeeds') or print map { "# $_\n" } split /\n/, $out;

# Where configure said things go (apxs -q LIBEXECDIR; mods-available; bindir).
my %var;
if (open my $mk, '<', "$top/Makefile") {
    while (<$mk>) { $var{$1} = $2 if /^(moduledir|MODS_AVAILABLE|bindir|exec_prefix|prefix) = (.*)$/ }
}
my $expand = sub { my $v = shift; 1 while $v =~ s/\$\{?(\w+)\}?/$var{$1} \/\/ ''/e; $v };
my $moddir = $expand->($var{moduledir} // '');
my $avail = $expand->($var{MODS_AVAILABLE} // '');
my $bindir = $expand->($var{bindir} // '');
my $apxs_moddir = qx{apxs -q LIBEXECDIR 2>/dev/null};
chomp $apxs_moddir;
ok t_cmp($moddir, $apxs_moddir, 'modules go to apxs -q LIBEXECDIR');
ok -x "$dest$bindir/secctl" or print "# no $dest$bindir/secctl\n";

for my $m (@modules) {
    ok -f "$dest$moddir/mod_$m.so" && !-e "$dest$moddir/mod_$m.la"
        or print "# $dest$moddir: mod_$m.so missing or .la left behind\n";
    my $load = "$dest$avail/$m.load";
    my $text = -f $load ? do { open my $fh, '<', $load or die $!; local $/; <$fh> } : '';
    ok t_cmp($text, qr{^LoadModule ${m}_module \Q$moddir\E/mod_$m\.so$}m,
             "$m.load loads the installed module");
    ok -f "$dest$avail/$m.conf" or print "# no $m.conf in $dest$avail\n";
}

# What a2enmod would enable, with the installed files: every .load (pointed
# at the DESTDIR copy) and every .conf.
my $conf = "Define APACHE_LOG_DIR $dest\n";
for my $m (@modules) {
    open my $fh, '<', "$dest$avail/$m.load" or next;
    while (my $line = <$fh>) {
        $line =~ s{^(LoadModule \S+ )(\S+)}{$1"$dest$2"};
        $conf .= $line;
    }
    $conf .= "Include \"$dest$avail/$m.conf\"\n";
}
my ($rc, $msg) = configtest($conf, seccore => 0,
                            modules => [qw(remoteip authn_core authn_file auth_basic authz_user
                                           authz_host headers alias mime)]);
ok t_cmp($rc, 0, 'the installed modules and their mods-available snippets pass configtest')
    or print map { "# $_\n" } split /\n/, $msg;
ok t_cmp($msg, qr/Syntax OK/, 'Syntax OK');
