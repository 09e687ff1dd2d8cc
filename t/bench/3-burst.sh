# t/bench/3-burst.sh — workload 3, sourced by t/bench/run: a burst of
# BENCH_BURST (default 100,000) messages injected at once (wx-emu answers
# them 100 to a webwxsync) drained by `wx-sync -f -n -c BURST` to
# /dev/null, printing every line with its derived fields and committing
# the keys and the MsgId ring after each answer; each run starts from the
# same session copy, so it gets the same answers.  Baseline: jq -c
# '.AddMsgList[]' over the same answers, saved beforehand by curl
# (t/bench/sync-baseline): no network, no commit.

BURST=${BENCH_BURST:-100000}
section "3. receive: a burst of $BURST messages"
start_emu -n 1000 -g 20 -m 20 -a
login "$W/b"
wx-sync -d "$W/b" >/dev/null          # the chat list, out of the way
emu_ctl "message?count=$BURST"
rm -rf "$W/b0"
cp -a "$W/b" "$W/b0"
t/bench/sync-baseline "$W/b" "$W"
got=$(cat "$W"/answers/*.json | jq '.AddMsgList | length' | awk '{n += $1} END {print n}')
[ "$got" -eq "$BURST" ] || { echo "bench: the baseline got $got of $BURST" >&2; exit 111; }
: >"$W/b.base"
: >"$W/b.wx"
for _ in $(seq "$RUNS"); do
	measure "$W/b.base" jq -c '.AddMsgList[]' "$W"/answers/*.json >/dev/null
	rm -rf "$W/b"
	cp -a "$W/b0" "$W/b"
	measure "$W/b.wx" wx-sync -d "$W/b" -f -n -c "$BURST" >/dev/null
done
report "baseline: jq -c '.AddMsgList[]', same answers" "$W/b.base"
report "wx-sync -f -n -c $BURST" "$W/b.wx" "$W/b.base"
note "wx-sync: $(awk -v w="$(med "$W/b.wx" 1)" -v n="$BURST" 'BEGIN {printf "%d", n / w}') messages/s," \
	"$(awk -v c="$(med "$W/b.wx" 2)" -v n="$BURST" 'BEGIN {printf "%.1f", c * 1e6 / n}') us CPU a message;" \
	"jq: $(awk -v c="$(med "$W/b.base" 2)" -v n="$BURST" 'BEGIN {printf "%.1f", c * 1e6 / n}') us CPU a message"
