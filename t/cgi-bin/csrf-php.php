#!/usr/bin/php-cgi
<?php
// What PHP itself makes of a body mod_seccsrf read ahead for its token
// field: $_POST and $_FILES, as a legacy app would use them.
header('Content-Type: text/plain');
foreach ($_POST as $k => $v) {
    echo "post.$k=" . (is_array($v) ? 'array' : $v) . "\n";
}
foreach ($_FILES as $k => $f) {
    echo "file.$k.name=" . $f['name'] . "\n";
    echo "file.$k.size=" . $f['size'] . "\n";
    echo "file.$k.sha1=" . ($f['error'] === 0 ? sha1_file($f['tmp_name']) : 'error' . $f['error']) . "\n";
}
