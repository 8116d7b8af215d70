#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver (/usr/bin/chromium, /usr/bin/chromedriver) for the web
# UI's browser test (WebUiBrowserIT) where they are missing; run by mvn verify before the samples'
# integration tests. Never fails the build itself: the test says what is missing.
# -Dtusk.browser.skip=true skips this and the test.
set -u
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
sudo=()
if [[ $(id -u) != 0 ]]; then
  if command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then
    sudo=(sudo -n)
  else
    echo "chromium.sh: Chromium is missing and cannot be installed here (not root, no sudo): install Debian's chromium and chromium-driver," \
      "or skip the browser test with -Dtusk.browser.skip=true" >&2
    exit 0
  fi
fi
if ! command -v apt-get > /dev/null 2>&1; then
  echo "chromium.sh: no apt-get: install Chromium and ChromeDriver as /usr/bin/chromium and /usr/bin/chromedriver, or -Dtusk.browser.skip=true" >&2
  exit 0
fi
echo "chromium.sh: installing Debian's chromium and chromium-driver for the browser test (once)" >&2
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  if "${sudo[@]}" apt-get update -qq > /dev/null && "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium chromium-driver > /dev/null; then
    exit 0
  fi
  echo "chromium.sh: attempt $attempt to install Chromium failed" >&2
  sleep $((attempt * 5))
done
exit 0
