#!/usr/bin/env bash
set -euo pipefail
echo "test-web: nothing yet"
