#!/usr/bin/env bash
# PHP corpus for benchmarks/recall.py: Debian php-* libraries, one repository folder each.
#
#   bash benchmarks/corpora/php.sh DEST        (as root: installs the Debian packages)
#
# Debian ships these libraries under /usr/share/php without their composer.json, so the
# resolver must work from namespace declarations alone. Idempotent: a repository folder that
# already exists is left as it is. Tuned on: league-commonmark, symfony-console, php-parser,
# monolog. Held out (never looked at while tuning): the rest.
set -euo pipefail
dest=${1:?usage: php.sh DEST}
packages=(php-league-commonmark php-symfony-console php-parser php-monolog
          php-twig php-guzzlehttp-psr7 php-doctrine-dbal php-phpseclib3 php-ramsey-uuid
          php-symfony-routing php-laravel-framework)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# repository name -> library folder under /usr/share/php
repos=(
  league-commonmark:League/CommonMark
  symfony-console:Symfony/Component/Console
  php-parser:PhpParser
  monolog:Monolog
  twig:Twig
  guzzle-psr7:GuzzleHttp/Psr7
  doctrine-dbal:Doctrine/DBAL
  phpseclib3:phpseclib3
  ramsey-uuid:Ramsey/Uuid
  symfony-routing:Symfony/Component/Routing
  illuminate-database:Illuminate/Database
)
mkdir -p "$dest"
for entry in "${repos[@]}"; do
  name=${entry%%:*}
  source=/usr/share/php/${entry#*:}
  [[ -d "$dest/$name" ]] && continue
  mkdir -p "$dest/$name"
  cp -r "$source/." "$dest/$name/"
done
