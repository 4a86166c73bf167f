#include "rpc/correlation.h"

#include <string.h>

#include "common/error.h"

static bool used(const sb_rpc_pending *p) { return p->seq != 0; }

void sb_rpc_correlation_init(sb_rpc_correlation *t, sb_rpc_pending *slots, size_t cap) {
  if (!t) return;
  t->slots = slots;
  t->cap = slots ? cap : 0;
  t->count = 0;
  t->next_seq = 1;
  for (size_t i = 0; i < t->cap; i++) memset(&slots[i], 0, sizeof slots[i]);
}

size_t sb_rpc_correlation_count(const sb_rpc_correlation *t) { return t ? t->count : 0; }

/* The slot holding `cid`, or NULL. At most one slot can (add refuses
 * duplicates), so the scan order does not matter. */
static sb_rpc_pending *find(const sb_rpc_correlation *t, const uint8_t cid[SB_RPC_CID_BYTES]) {
  for (size_t i = 0; i < t->cap; i++)
    if (used(&t->slots[i]) && memcmp(t->slots[i].cid, cid, SB_RPC_CID_BYTES) == 0)
      return &t->slots[i];
  return NULL;
}

static void take(sb_rpc_correlation *t, sb_rpc_pending *slot, sb_rpc_pending *out) {
  if (out) *out = *slot;
  memset(slot, 0, sizeof *slot);
  t->count--;
}

int sb_rpc_correlation_add(sb_rpc_correlation *t, const uint8_t cid[SB_RPC_CID_BYTES],
                           sb_time_us deadline, void *user) {
  if (!t || !cid) return SB_ERR_ARG;
  if (find(t, cid)) return SB_ERR_RPC_CID_DUPLICATE;
  sb_rpc_pending *free_slot = NULL;
  for (size_t i = 0; i < t->cap && !free_slot; i++)
    if (!used(&t->slots[i])) free_slot = &t->slots[i];
  if (!free_slot) return SB_ERR_FULL;
  memcpy(free_slot->cid, cid, SB_RPC_CID_BYTES);
  free_slot->deadline = deadline;
  free_slot->seq = t->next_seq++;
  free_slot->user = user;
  t->count++;
  return SB_OK;
}

int sb_rpc_correlation_resolve(sb_rpc_correlation *t, const uint8_t cid[SB_RPC_CID_BYTES],
                               sb_rpc_pending *out) {
  if (!t || !cid) return SB_ERR_ARG;
  sb_rpc_pending *slot = find(t, cid);
  if (!slot) return SB_ERR_RPC_CID_UNKNOWN;
  take(t, slot, out);
  return SB_OK;
}

int sb_rpc_correlation_cancel(sb_rpc_correlation *t, const uint8_t cid[SB_RPC_CID_BYTES],
                              sb_rpc_pending *out) {
  if (!t || !cid) return SB_ERR_ARG;
  sb_rpc_pending *slot = find(t, cid);
  if (!slot) return SB_ERR_NOT_FOUND;
  take(t, slot, out);
  return SB_OK;
}

/* Earliest deadline first, then order of addition: a total order. */
static bool before(const sb_rpc_pending *a, const sb_rpc_pending *b) {
  if (a->deadline != b->deadline) return a->deadline < b->deadline;
  return a->seq < b->seq;
}

static sb_rpc_pending *earliest(const sb_rpc_correlation *t) {
  sb_rpc_pending *best = NULL;
  for (size_t i = 0; i < t->cap; i++)
    if (used(&t->slots[i]) && (!best || before(&t->slots[i], best))) best = &t->slots[i];
  return best;
}

bool sb_rpc_correlation_expire(sb_rpc_correlation *t, sb_time_us now, sb_rpc_pending *out) {
  if (!t) return false;
  sb_rpc_pending *due = earliest(t);
  if (!due || due->deadline > now) return false;
  take(t, due, out);
  return true;
}

bool sb_rpc_correlation_take_oldest(sb_rpc_correlation *t, sb_rpc_pending *out) {
  if (!t) return false;
  sb_rpc_pending *oldest = NULL;
  for (size_t i = 0; i < t->cap; i++)
    if (used(&t->slots[i]) && (!oldest || t->slots[i].seq < oldest->seq)) oldest = &t->slots[i];
  if (!oldest) return false;
  take(t, oldest, out);
  return true;
}

sb_time_us sb_rpc_correlation_next_deadline(const sb_rpc_correlation *t) {
  const sb_rpc_pending *e = t ? earliest(t) : NULL;
  return e ? e->deadline : SB_TIME_NEVER;
}
