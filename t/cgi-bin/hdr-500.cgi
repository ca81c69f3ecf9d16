#!/bin/sh
# A broken script: no header block, so httpd answers 500.
echo "this is not a header"
