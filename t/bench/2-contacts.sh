# t/bench/2-contacts.sh — workload 2, sourced by t/bench/run: the whole
# address book with every member, `wx-contacts -m`, against wx-emu with
# 10,000 contacts and 500 rooms of 500 (how many of them the address book
# holds is wx-emu's choice, as on the real server); baseline: curl
# fetching the same pages and batches, jq -c printing each contact
# (t/bench/contacts-baseline).  Then the target's measure: wx-contacts'
# peak RSS against the largest single answer.

section "2. contacts: wx-emu -n 10000 -g 500 -m 500"
start_emu -n 10000 -g 500 -m 500 -a -H 0
login "$W/c"
wx-contacts -d "$W/c" -m >/dev/null   # wx-emu builds its answers once
: >"$W/c.base"
: >"$W/c.wx"
for _ in $(seq "$RUNS"); do
	measure "$W/c.base" t/bench/contacts-baseline "$W/c" "$W" >/dev/null
	measure "$W/c.wx" wx-contacts -d "$W/c" -m >/dev/null
done
lines=$(wx-contacts -d "$W/c" -m | wc -l)
members=$(wx-contacts -d "$W/c" -m -t group | jq '.MemberList | length' |
	awk '{n += $1} END {print n}')
report "baseline: curl + jq -c, same pages and batches" "$W/c.base"
report "wx-contacts -m: $lines contacts, $members members" "$W/c.wx" "$W/c.base"
largest=$(cat "$W/largest")
floor=$(: >"$W/f"; measure "$W/f" build/t/floor; med "$W/f" 3)
note "largest answer $((largest / 1024)) kB; peak RSS $(med "$W/c.wx" 3) kB =" \
	"libcurl floor $floor kB + $(awk -v r="$(med "$W/c.wx" 3)" -v f="$floor" \
	-v l="$largest" 'BEGIN {printf "%.1f", (r - f) * 1024 / l}') x the largest answer (target 2)"
