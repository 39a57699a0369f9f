#!/usr/bin/env bash
# make interop: Quire and a real WordPress (Debian's packages) side by side
# on 127.0.0.1, linking to each other, each direction checked and reported
# on its own:
#
#   quire-to-wp  a Quire post linking to a WordPress post makes a pingback
#                appear in that post's comments in WordPress;
#   wp-to-quire  a WordPress post linking to a Quire post makes
#                "Pingback: …" appear in the Quire post's thread.
#
# Usage: scripts/interop.sh [quire-to-wp|wp-to-quire|both]   (default: both)
#
# It installs nginx, php-fpm, mariadb-server and wordpress (with php-mysql,
# php-xml and the twentytwentythree theme) with apt-get when they are
# missing (as root), then runs everything from a fresh folder,
# $INTEROP_DIR (default /tmp/quire-interop): MariaDB on a socket there,
# php-fpm and nginx serving Debian's /usr/share/wordpress on
# 127.0.0.1:$WP_PORT (its config is /etc/wordpress/config-quire-interop.php,
# the Debian way), WordPress installed through its own setup form, and
# quire serve --allow-private-fetch on 127.0.0.1:$QUIRE_PORT. A must-use
# plugin lets WordPress fetch and ping loopback (its
# http_request_host_is_external and http_allowed_safe_ports filters), turns
# default_pingback_flag on and lets pingbacks be approved at once. The
# processes it starts are stopped when it ends; the folder, with every log,
# stays for a look. It exits non-zero when any direction asked for fails.
# It is not part of make test.
set -uo pipefail
cd "$(dirname "$0")/.."

WHICH=${1:-both}
case $WHICH in quire-to-wp | wp-to-quire | both) ;; *)
	echo "usage: $0 [quire-to-wp|wp-to-quire|both]" >&2
	exit 2
	;;
esac
DIR=${INTEROP_DIR:-/tmp/quire-interop}
WP_PORT=${WP_PORT:-8381}
QUIRE_PORT=${QUIRE_PORT:-8382}
WP=http://127.0.0.1:$WP_PORT
QUIRE=http://127.0.0.1:$QUIRE_PORT
WP_USER=admin
WP_PASS=interop-pass-$RANDOM$RANDOM
WP_CONFIG=/etc/wordpress/config-quire-interop.php
WAIT=${INTEROP_WAIT:-90} # seconds to wait for each pingback

say() { printf '== %s\n' "$*"; }
die() {
	printf 'interop: %s\n' "$*" >&2
	exit 1
}

# --- packages ------------------------------------------------------------
phpfpm() { ls /usr/sbin/php-fpm* 2>/dev/null | sort -V | tail -1; }
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -n "$(phpfpm)" ] || missing+=(php-fpm)
php -m 2>/dev/null | grep -qi '^mysqli$' || missing+=(php-mysql)
php -m 2>/dev/null | grep -qi '^xml$' || missing+=(php-xml) # XML-RPC, pingbacks
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
[ -f /usr/share/wordpress/wp-settings.php ] || missing+=(wordpress)
[ -d /usr/share/wordpress/wp-content/themes/twentytwentythree ] || missing+=(wordpress-theme-twentytwentythree)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run as root to install them with apt-get"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed"
	# nginx first in the list, so it is the web server WordPress's
	# package is satisfied with (no Apache).
	apt-get install -y -qq --no-install-recommends nginx php-fpm php-mysql php-xml mariadb-server wordpress \
		wordpress-theme-twentytwentythree curl >/dev/null || die "apt-get install failed"
fi
[ "$(id -u)" = 0 ] || die "run as root: WordPress's config goes in /etc/wordpress, and MariaDB and php-fpm run as root here"

# --- a fresh folder, and everything started stopped at the end -----------
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
}
trap cleanup EXIT
for port in "$WP_PORT" "$QUIRE_PORT"; do
	if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
		die "something already listens on 127.0.0.1:$port (set WP_PORT or QUIRE_PORT)"
	fi
done
rm -rf "$DIR"
mkdir -p "$DIR"/{mysql,nginx,quire-data,wp-content/mu-plugins,wp-content/uploads} || die "cannot create $DIR"
chmod 755 "$DIR"

wait_for() { # what, seconds, command...
	local what=$1 secs=$2
	shift 2
	for ((i = 0; i < secs * 5; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	die "$what did not come up (logs in $DIR)"
}

# --- MariaDB, on a socket in the folder -----------------------------------
say "starting MariaDB"
mariadb-install-db --no-defaults --datadir="$DIR/mysql" --user=root --auth-root-authentication-method=normal \
	>"$DIR/mysql-install.log" 2>&1 || die "mariadb-install-db failed: $DIR/mysql-install.log"
/usr/sbin/mariadbd --no-defaults --datadir="$DIR/mysql" --socket="$DIR/mysql.sock" --skip-networking \
	--user=root --pid-file="$DIR/mysql.pid" --log-error="$DIR/mysql.err" &
pids+=($!)
sql() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$DIR/mysql.sock" -uroot "$@"; }
wait_for MariaDB 60 sql -e 'SELECT 1'
sql -e "CREATE DATABASE wordpress; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp-interop';
	GRANT ALL ON wordpress.* TO 'wp'@'localhost';" || die "cannot create WordPress's database"

# --- WordPress: config, content folder, must-use plugin --------------------
salt() { head -c 48 /dev/urandom | base64 | tr -d '\n/+='; }
cat >"$WP_CONFIG" <<EOF
<?php
// Written by Quire's scripts/interop.sh for its WordPress on $WP.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp-interop');
define('DB_HOST', 'localhost:$DIR/mysql.sock');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', '$WP');
define('WP_SITEURL', '$WP');
define('WP_CONTENT_DIR', '$DIR/wp-content');
// Nothing leaves this machine: no update checks, no outside requests; its
// own address (127.0.0.1, where Quire is too) stays reachable.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', false);
define('AUTH_KEY', '$(salt)');
define('SECURE_AUTH_KEY', '$(salt)');
define('LOGGED_IN_KEY', '$(salt)');
define('NONCE_KEY', '$(salt)');
define('AUTH_SALT', '$(salt)');
define('SECURE_AUTH_SALT', '$(salt)');
define('LOGGED_IN_SALT', '$(salt)');
define('NONCE_SALT', '$(salt)');
EOF
ln -s /usr/share/wordpress/wp-content/themes "$DIR/wp-content/themes"
ln -s /usr/share/wordpress/wp-content/plugins "$DIR/wp-content/plugins"
cat >"$DIR/wp-content/mu-plugins/quire-interop.php" <<EOF
<?php
/*
 * Plugin Name: Quire interop
 * Description: Lets this WordPress fetch and ping a Quire on loopback
 * (127.0.0.1:$QUIRE_PORT), notify the sites its posts link to, and approve
 * pingbacks at once, for Quire's scripts/interop.sh only.
 */
add_filter('http_request_host_is_external', function (\$external, \$host) {
	return \$external || \$host === '127.0.0.1' || \$host === 'localhost';
}, 10, 2);
add_filter('http_allowed_safe_ports', function (\$ports) {
	\$ports[] = $QUIRE_PORT;
	\$ports[] = $WP_PORT;
	return \$ports;
});
add_filter('pre_option_default_pingback_flag', function () { return '1'; });
add_filter('pre_option_default_ping_status', function () { return 'open'; });
add_filter('pre_option_comment_previously_approved', function () { return '0'; });
add_filter('pre_option_comment_moderation', function () { return '0'; });
EOF

# --- php-fpm and nginx -------------------------------------------------------
say "starting php-fpm and nginx on $WP"
cat >"$DIR/php-fpm.conf" <<EOF
[global]
pid = $DIR/php-fpm.pid
error_log = $DIR/php-fpm.log
daemonize = no
[wordpress]
user = www-data
group = www-data
listen = $DIR/php.sock
listen.mode = 0666
pm = static
pm.max_children = 4
catch_workers_output = yes
EOF
"$(phpfpm)" --nodaemonize --fpm-config "$DIR/php-fpm.conf" >"$DIR/php-fpm.out" 2>&1 &
pids+=($!)
cat >"$DIR/nginx.conf" <<EOF
daemon off;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log;
events {}
http {
	include /etc/nginx/mime.types;
	access_log $DIR/nginx-access.log;
	client_body_temp_path $DIR/nginx/body;
	fastcgi_temp_path $DIR/nginx/fastcgi;
	proxy_temp_path $DIR/nginx/proxy;
	uwsgi_temp_path $DIR/nginx/uwsgi;
	scgi_temp_path $DIR/nginx/scgi;
	server {
		listen 127.0.0.1:$WP_PORT;
		root /usr/share/wordpress;
		index index.php;
		location ^~ /wp-content/ { alias $DIR/wp-content/; }
		location / { try_files \$uri \$uri/ /index.php?\$args; }
		location ~ \.php\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_param WORDPRESS_CONFIG quire-interop;
			# Debian's fastcgi_params pass \$host, without the port:
			# WordPress would redirect every page to itself.
			fastcgi_param HTTP_HOST 127.0.0.1:$WP_PORT;
			fastcgi_pass unix:$DIR/php.sock;
		}
	}
}
EOF
nginx -e "$DIR/nginx-error.log" -c "$DIR/nginx.conf" -p "$DIR/nginx/" &
pids+=($!)
wait_for "WordPress on nginx" 60 curl -sf "$WP/wp-admin/install.php"

say "installing WordPress through its setup form"
curl -s -o "$DIR/wp-install.html" "$WP/wp-admin/install.php?step=2" \
	--data-urlencode "weblog_title=WordPress next door" --data-urlencode "user_name=$WP_USER" \
	--data-urlencode "admin_password=$WP_PASS" --data-urlencode "admin_password2=$WP_PASS" --data "pw_weak=on" \
	--data-urlencode "admin_email=admin@wordpress.invalid" --data "blog_public=0" --data "language="
grep -q 'Success!' "$DIR/wp-install.html" || die "WordPress's setup failed: $DIR/wp-install.html"
echo "WordPress $(sql -N wordpress -e "SELECT option_value FROM wp_options WHERE option_name = 'db_version'") (db_version) at $WP"

# post_id reads the ID from wp.newPost's response.
post_id() { tr -d '\n\t ' | sed -n 's:.*<string>\([0-9][0-9]*\)</string>.*:\1:p'; }

# wp_post TITLE HTML: publishes a WordPress post through its XML-RPC API
# (wp.newPost) and prints its ID.
xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
wp_post() {
	local title content
	title=$(printf '%s' "$1" | xml_escape)
	content=$(printf '%s' "$2" | xml_escape)
	curl -s -H 'Content-Type: text/xml' "$WP/xmlrpc.php" --data-binary @- <<EOF | tee -a "$DIR/wp-xmlrpc.log" | post_id
<?xml version="1.0"?>
<methodCall><methodName>wp.newPost</methodName><params>
<param><value><int>1</int></value></param>
<param><value><string>$WP_USER</string></value></param>
<param><value><string>$WP_PASS</string></value></param>
<param><value><struct>
<member><name>post_title</name><value><string>$title</string></value></member>
<member><name>post_content</name><value><string>$content</string></value></member>
<member><name>post_status</name><value><string>publish</string></value></member>
</struct></value></param>
</params></methodCall>
EOF
}

# --- Quire -------------------------------------------------------------------
say "building and starting Quire on $QUIRE"
go build -o "$DIR/quire" ./cmd/quire || die "go build failed"
"$DIR/quire" serve --data "$DIR/quire-data" --addr "127.0.0.1:$QUIRE_PORT" --base-url "$QUIRE" \
	--allow-private-fetch >"$DIR/quire.log" 2>&1 &
pids+=($!)
wait_for Quire 60 curl -sf "$QUIRE/healthz"

# quire_post SLUG TITLE MARKDOWN: publishes a Quire post from the command
# line and prints its URL.
quire_post() {
	local f="$DIR/$1.md"
	printf -- '---\ntitle: %s\nslug: %s\n---\n%s\n' "$2" "$1" "$3" >"$f"
	QUIRE_DATA="$DIR/quire-data" QUIRE_BASE_URL="$QUIRE" "$DIR/quire" post publish "$f" | awk '{print $NF}'
}

failed=0
report() { # direction, PASS|FAIL, detail
	printf '\n%-12s %s  %s\n\n' "$1" "$2" "$3"
	[ "$2" = PASS ] || failed=1
}

# --- Quire → WordPress ---------------------------------------------------------
quire_to_wp() {
	say "Quire → WordPress"
	local id target url row
	id=$(wp_post "A WordPress post worth linking to" "<p>Sales is a contact sport, said the WordPress post.</p>")
	[ -n "$id" ] || {
		report quire-to-wp FAIL "could not create the WordPress post"
		return
	}
	target="$WP/?p=$id"
	echo "WordPress post: $target"
	url=$(quire_post linking-to-wordpress "Quire links to WordPress" \
		"This Quire post links to [a WordPress post]($target), which should hear of it by pingback.")
	echo "Quire post:     $url"
	for ((i = 0; i < WAIT; i++)); do
		row=$(sql -N wordpress -e "SELECT comment_ID, comment_approved, comment_author, comment_author_url
			FROM wp_comments WHERE comment_post_ID = $id AND comment_type = 'pingback'" 2>/dev/null)
		[ -n "$row" ] && break
		sleep 1
	done
	echo "Quire's log about it:"
	grep -i 'linkback' "$DIR/quire.log" | sed 's/^/  /'
	if [ -z "$row" ]; then
		echo "WordPress's last requests:"
		tail -5 "$DIR/nginx-access.log" | sed 's/^/  /'
		report quire-to-wp FAIL "no pingback in WordPress's comments on post $id after ${WAIT}s"
		return
	fi
	echo "wp_comments (ID, approved, author, URL): $row"
	if curl -sL "$target" | grep -q "Quire links to WordPress"; then
		echo "The WordPress post's page shows it."
	fi
	report quire-to-wp PASS "WordPress's comments hold a pingback from $url"
}

# --- WordPress → Quire ---------------------------------------------------------
wp_to_quire() {
	say "WordPress → Quire"
	local url id line cid status page
	url=$(quire_post linked-from-wordpress "A Quire post WordPress links to" "Quire's own words, for WordPress to link to.")
	echo "Quire post:     $url"
	id=$(wp_post "WordPress links to Quire" "<p>Read <a href=\"$url\">this Quire post</a>; it should hear of it by pingback.</p>")
	[ -n "$id" ] || {
		report wp-to-quire FAIL "could not create the WordPress post"
		return
	}
	echo "WordPress post: $WP/?p=$id"
	for ((i = 0; i < WAIT; i++)); do
		# WordPress pings from its cron (do_pings), run on a request.
		curl -s -o /dev/null "$WP/wp-cron.php"
		line=$(QUIRE_DATA="$DIR/quire-data" "$DIR/quire" comments list --status all --post linked-from-wordpress 2>/dev/null |
			awk '$3 == "pingback" {print; exit}')
		[ -n "$line" ] && break
		sleep 1
	done
	if [ -z "$line" ]; then
		if [ -n "$(sql -N wordpress -e "SELECT 1 FROM wp_postmeta WHERE post_id = $id AND meta_key = '_pingme'")" ]; then
			echo "WordPress has not run its pings (do_pings) yet."
		else
			echo "WordPress ran its pings; it pinged: '$(sql -N wordpress -e "SELECT pinged FROM wp_posts WHERE ID = $id")'"
		fi
		echo "Quire's answers to WordPress (HEAD/GET of the post, /xmlrpc.php):"
		echo "  X-Pingback: '$(curl -sI "$url" | tr -d '\r' | sed -n 's/^[Xx]-[Pp]ingback: //p')'"
		echo "  /xmlrpc.php: $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/xml' --data '<?xml version="1.0"?><methodCall><methodName>system.listMethods</methodName></methodCall>' "$QUIRE/xmlrpc.php")"
		report wp-to-quire FAIL "no pingback stored for $url after ${WAIT}s"
		return
	fi
	echo "quire comments list: $line"
	cid=$(awk '{print $1}' <<<"$line")
	status=$(awk '{print $2}' <<<"$line")
	if [ "$status" != approved ]; then
		echo "Held for moderation ($status): approving it, as a moderator would."
		QUIRE_DATA="$DIR/quire-data" "$DIR/quire" comments approve "$cid"
	fi
	page=$(curl -s "$url")
	if grep -q 'Pingback:' <<<"$page"; then
		grep -o 'Pingback:[^<]*<[^>]*>[^<]*' <<<"$page" | head -1 | sed 's/^/  /'
		report wp-to-quire PASS "the Quire post's thread shows the pingback from $WP/?p=$id"
	else
		report wp-to-quire FAIL "pingback $cid stored but \"Pingback:\" is not in the thread at $url"
	fi
}

case $WHICH in
quire-to-wp) quire_to_wp ;;
wp-to-quire) wp_to_quire ;;
both)
	quire_to_wp
	wp_to_quire
	;;
esac
say "logs and data in $DIR"
if [ "${INTEROP_HOLD:-0}" -gt 0 ]; then
	say "both sites stay up for ${INTEROP_HOLD}s (INTEROP_HOLD) for a look"
	sleep "$INTEROP_HOLD"
fi
exit $failed
