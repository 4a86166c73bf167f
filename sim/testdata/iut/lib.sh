# shellcheck shell=sh
# Shared by the misbehaving adapters in this directory (sourced, not run):
# read one request line, count it, pick out its id; answer "unsupported".
# Requests come from sbconf as {"id":N,"type":...}, id first.
n=0
next_request() {
  IFS= read -r line || return 1
  n=$((n + 1))
  id=${line#'{"id":'}
  id=${id%%,*}
}
answer() { printf '{"id":%s,"result":"unsupported"}\n' "$id"; }
