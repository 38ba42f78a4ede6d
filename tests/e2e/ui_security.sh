#!/bin/bash
# End to end: who may do what in the admin UI and the API, over real HTTP.
# The matrix walks every route `loginrecd --list-routes` prints, so a new
# route cannot be forgotten: without a session (or token), with a wrong
# one, with a session but no CSRF token, with company B's token in company
# A's session, and naming another company in the query. Also: sign-in with
# a rate limit, cookie attributes, the browser-security headers, logout,
# and the page in each language with none of the other.
. "$(dirname "$0")/lib.sh"

"$LR" init >/dev/null
TOKEN_A=$("$LR" company add ACM "Acme 株式会社")
TOKEN_B=$("$LR" company add BBB "Beta 株式会社")
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
echo 'staple battery horse' | "$LR" user add BBB boss --password-stdin >/dev/null
start_server --no-kot --malion-interval 0

code() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }

expect_eq "company A signs in (303 to /)" 303 "$(ui_sign_in "$T/a.jar" ACM admin 'correct horse battery')"
expect_eq "company B signs in" 303 "$(ui_sign_in "$T/b.jar" BBB boss 'staple battery horse')"
CSRF_A=$(form_csrf "$T/a.jar" /account); CSRF_B=$(form_csrf "$T/b.jar" /account)
expect_eq "each session has its own CSRF token" "43 43 different" \
    "${#CSRF_A} ${#CSRF_B} $([ "$CSRF_A" != "$CSRF_B" ] && echo different)"

# --- the matrix, from the router's own table -----------------------------
"$LRD" --list-routes > "$T/routes"
expect_eq "the route table lists the API and the UI" "yes" \
    "$(grep -q '^POST /api/v1/ingest token$' "$T/routes" && grep -q '^GET /account session$' "$T/routes" && echo yes)"
BAD_JAR="$T/bad.jar"
: > "$T/empty.csv"
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tlr_session\t%s\n' "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" > "$BAD_JAR"
# post JAR PATH FIELD=VALUE...: a form post the way the route takes it
post() {
    local jar=$1 path=$2; shift 2
    local args=()
    for kv in "$@"; do
        if [ "$kind" = multipart ]; then args+=(-F "$kv"); else args+=(--data-urlencode "$kv"); fi
    done
    [ $# -eq 0 ] && { [ "$kind" = multipart ] && args+=(-F "file=@$T/empty.csv") || args+=(--data ''); }
    curl -sS -o /dev/null -w '%{http_code}' ${jar:+-b "$jar"} -X POST "${args[@]}" "$URL$path"
}
while read -r method path access kind; do
    case "$access" in
    session)
        if [ "$method" = GET ]; then
            expect_eq "$method $path without a session goes to /login" "303 $URL/login" \
                "$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$URL$path")"
            expect_eq "$method $path with a wrong session goes to /login" 303 "$(code -b "$BAD_JAR" "$URL$path")"
            expect_eq "$method $path naming another company is refused" 400 \
                "$(code -b "$T/a.jar" "$URL$path?company=BBB")"
        else
            expect_eq "$method $path without a session: 403" 403 "$(post "" "$path" "csrf=$CSRF_A")"
            expect_eq "$method $path with a wrong session: 403" 403 "$(post "$BAD_JAR" "$path" "csrf=$CSRF_A")"
            expect_eq "$method $path without the CSRF token: 403" 403 "$(post "$T/a.jar" "$path")"
            expect_eq "$method $path with a field it does not declare: 400" 400 \
                "$(post "$T/a.jar" "$path" "csrf=$CSRF_A" "company=BBB")"
            expect_eq "$method $path with company B's token in A's session: 403" 403 \
                "$(post "$T/a.jar" "$path" "csrf=$CSRF_B")"
        fi ;;
    token)
        expect_eq "$method $path without a token: 401" 401 "$(code -X "$method" "$URL$path")"
        expect_eq "$method $path with a wrong token: 401" 401 \
            "$(code -X "$method" -H 'Authorization: Bearer nope' "$URL$path")"
        expect_eq "$method $path naming another company is refused" 400 \
            "$(code -X "$method" -H "Authorization: Bearer $TOKEN_A" "$URL$path?company=BBB")" ;;
    public)
        [ "$method" = POST ] && [ "$path" != /login ] && [ "$path" != /lang ] && not_ok "unexpected public POST $path"
        ;;
    *) not_ok "route $method $path has unknown access '$access'" ;;
    esac
done < "$T/routes"

# --- what a session sees is its own company ------------------------------
page=$(curl -sS -b "$T/a.jar" "$URL/account")
expect_eq "A's page names A, never B" "yes 0" \
    "$(grep -q 'ACM / admin' <<<"$page" && echo yes) $(grep -c 'BBB' <<<"$page" || true)"
http GET "/api/v1/punches?from=2026-11-01&to=2026-11-30" -H "Authorization: Bearer $TOKEN_B"
expect_eq "B's token reads B's ledger (empty), not A's" "200 []" "$STATUS $BODY"

# --- cookies and headers --------------------------------------------------
hdrs=$(curl -sS -D - -o /dev/null -b "$T/a.jar" "$URL/account")
expect_eq "pages forbid framing and foreign scripts" "yes yes" \
    "$(grep -qi "^content-security-policy: default-src 'self'; frame-ancestors 'none'" <<<"$hdrs" && echo yes) $(grep -qi '^x-frame-options: DENY' <<<"$hdrs" && echo yes)"
pre_hdrs=$(curl -sS -D - -o /dev/null "$URL/login")
expect_eq "cookies are HttpOnly and SameSite=Strict" 1 \
    "$(grep -ci '^set-cookie: lr_pre=.*; HttpOnly; SameSite=Strict' <<<"$pre_hdrs")"

# --- sign-in is rate-limited ------------------------------------------------
for i in 1 2 3 4 5; do
    c=$(ui_sign_in "$T/x.jar" ACM admin "wrong guess $i")
    [ "$c" = 401 ] || not_ok "wrong password $i answered $c"
done
expect_eq "the sixth attempt is refused even with the right password" 429 \
    "$(ui_sign_in "$T/x.jar" ACM admin 'correct horse battery')"
page=$(curl -sS -b "$T/x.jar" -c "$T/x.jar" "$URL/login" --data-urlencode "csrf=x" -d company=ACM)
expect_eq "a login form without its token is refused" 403 \
    "$(code -b "$T/x.jar" -X POST "$URL/login" -d csrf=forged -d company=ACM -d login=admin -d password=x)"

# --- languages --------------------------------------------------------------
ja=$(curl -sS -b "$T/b.jar" "$URL/account")
expect_eq "the default page is Japanese" "1" "$(grep -c '<h1>マイアカウント</h1>' <<<"$ja")"
expect_eq "表示言語: English, remembered for the user" 303 \
    "$(code -b "$T/b.jar" -X POST "$URL/lang" -d "csrf=$CSRF_B" -d lang=en -d back=/account)"
en=$(curl -sS -b "$T/b.jar" "$URL/account")
expect_eq "the English page has no Japanese but the language's own name and the company's" "" \
    "$(sed -e 's/日本語//g' -e 's/Beta 株式会社//g' <<<"$en" | grep -P '[\x{3000}-\x{9fff}\x{ff00}-\x{ffef}]' || true)"
expect_eq "and says My account" 1 "$(grep -c '<h1>My account</h1>' <<<"$en")"
expect_eq "a redirect back is never to another site" "/" \
    "$(curl -sS -o /dev/null -w '%{redirect_url}' -b "$T/b.jar" -X POST "$URL/lang" -d "csrf=$CSRF_B" -d lang=ja -d back=//evil.example | sed "s#^$URL##")"

# --- logout ends the session -------------------------------------------------
expect_eq "logout (303 to /login)" 303 "$(code -b "$T/a.jar" -c "$T/a.jar" -X POST "$URL/logout" -d "csrf=$CSRF_A")"
expect_eq "after logout the cookie no longer opens pages" 303 "$(code -b "$T/a.jar" "$URL/account")"
finish
