#include "rpc/correlation.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

/* A cid whose 16 bytes are all `b`. */
static const uint8_t *cid_of(uint8_t b) {
  static uint8_t cids[256][SB_RPC_CID_BYTES];
  memset(cids[b], b, SB_RPC_CID_BYTES);
  return cids[b];
}

static int tag[8]; /* addresses used as per-call user contexts */

static void correlation_resolves_responses_in_any_order(void) {
  /* RPC-CID-003, RPC-CID-005, RPC-CID-006, RPC-CON-001: several in flight, matched by cid */
  sb_rpc_pending slots[4];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, 4);
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(1), SB_TIME_MS(100), &tag[1]));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(2), SB_TIME_MS(200), &tag[2]));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(3), SB_TIME_MS(300), &tag[3]));
  SBT_EQ_U64(sb_rpc_correlation_count(&t), 3);
  sb_rpc_pending got;
  SBT_OK(sb_rpc_correlation_resolve(&t, cid_of(3), &got));
  SBT_CHECK(got.user == &tag[3] && got.deadline == SB_TIME_MS(300), "third call first");
  SBT_HEX_EQ(got.cid, sizeof got.cid, "03030303030303030303030303030303");
  SBT_OK(sb_rpc_correlation_resolve(&t, cid_of(1), &got));
  SBT_CHECK(got.user == &tag[1], "then the first");
  SBT_OK(sb_rpc_correlation_resolve(&t, cid_of(2), NULL));
  SBT_EQ_U64(sb_rpc_correlation_count(&t), 0);
}

static void correlation_rejects_a_duplicate_cid(void) {
  /* RPC-CID-006, RPC-CID-008 (runtime manager rejects duplicate registration) */
  sb_rpc_pending slots[2];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, 2);
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(7), SB_TIME_MS(1), &tag[0]));
  SBT_ERR_EQ(sb_rpc_correlation_add(&t, cid_of(7), SB_TIME_MS(2), &tag[1]),
             SB_ERR_RPC_CID_DUPLICATE);
  SBT_EQ_U64(sb_rpc_correlation_count(&t), 1);
  sb_rpc_pending got;
  SBT_OK(sb_rpc_correlation_resolve(&t, cid_of(7), &got));
  SBT_CHECK(got.user == &tag[0] && got.deadline == SB_TIME_MS(1), "the first registration kept");
}

static void correlation_reports_an_unknown_cid(void) {
  /* RPC-CID-008: unknown or already answered cid */
  sb_rpc_pending slots[2];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, 2);
  SBT_ERR_EQ(sb_rpc_correlation_resolve(&t, cid_of(9), NULL), SB_ERR_RPC_CID_UNKNOWN);
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(9), SB_TIME_NEVER, NULL));
  SBT_OK(sb_rpc_correlation_resolve(&t, cid_of(9), NULL));
  SBT_ERR_EQ(sb_rpc_correlation_resolve(&t, cid_of(9), NULL), SB_ERR_RPC_CID_UNKNOWN);
  /* A cid differing in one byte is another cid. */
  uint8_t near[SB_RPC_CID_BYTES];
  memcpy(near, cid_of(9), sizeof near);
  near[15] ^= 1;
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(9), SB_TIME_NEVER, NULL));
  SBT_ERR_EQ(sb_rpc_correlation_resolve(&t, near, NULL), SB_ERR_RPC_CID_UNKNOWN);
}

static void correlation_discards_a_response_after_its_timeout(void) {
  /* RPC-CID-007 */
  sb_rpc_pending slots[2];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, 2);
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(5), SB_TIME_S(10), &tag[5]));
  SBT_CHECK(!sb_rpc_correlation_expire(&t, SB_TIME_S(10) - 1, NULL), "not due 1 us early");
  sb_rpc_pending got;
  SBT_CHECK(sb_rpc_correlation_expire(&t, SB_TIME_S(10), &got), "due at the deadline");
  SBT_CHECK(got.user == &tag[5], "the expired call is reported");
  SBT_ERR_EQ(sb_rpc_correlation_resolve(&t, cid_of(5), NULL), SB_ERR_RPC_CID_UNKNOWN);
  SBT_CHECK(!sb_rpc_correlation_expire(&t, SB_TIME_S(99), NULL), "nothing left");
}

static void correlation_cancel_abandons_a_call(void) {
  /* RPC-CID-007 (cancellation: a late reply is dropped like a late one) */
  sb_rpc_pending slots[2];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, 2);
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(4), SB_TIME_S(1), &tag[4]));
  sb_rpc_pending got;
  SBT_OK(sb_rpc_correlation_cancel(&t, cid_of(4), &got));
  SBT_CHECK(got.user == &tag[4], "cancelled call returned");
  SBT_ERR_EQ(sb_rpc_correlation_cancel(&t, cid_of(4), NULL), SB_ERR_NOT_FOUND);
  SBT_ERR_EQ(sb_rpc_correlation_resolve(&t, cid_of(4), NULL), SB_ERR_RPC_CID_UNKNOWN);
  SBT_EQ_U64(sb_rpc_correlation_next_deadline(&t), SB_TIME_NEVER);
}

static void correlation_capacity_is_fixed(void) {
  /* RPC-CID-006: fixed caller storage */
  sb_rpc_pending slots[3];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, 3);
  for (uint8_t i = 1; i <= 3; i++) SBT_OK(sb_rpc_correlation_add(&t, cid_of(i), i, NULL));
  SBT_ERR_EQ(sb_rpc_correlation_add(&t, cid_of(4), 4, NULL), SB_ERR_FULL);
  SBT_OK(sb_rpc_correlation_resolve(&t, cid_of(2), NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(4), 4, NULL));
  SBT_EQ_U64(sb_rpc_correlation_count(&t), 3);
  sb_rpc_correlation empty;
  sb_rpc_correlation_init(&empty, NULL, 5);
  SBT_ERR_EQ(sb_rpc_correlation_add(&empty, cid_of(1), 1, NULL), SB_ERR_FULL);
  SBT_ERR_EQ(sb_rpc_correlation_add(NULL, cid_of(1), 1, NULL), SB_ERR_ARG);
  SBT_ERR_EQ(sb_rpc_correlation_add(&t, NULL, 1, NULL), SB_ERR_ARG);
}

static void correlation_expires_by_deadline_then_age(void) {
  /* RPC-CID-007; deterministic order: earliest deadline, oldest on a tie */
  sb_rpc_pending slots[6];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, 6);
  SBT_EQ_U64(sb_rpc_correlation_next_deadline(&t), SB_TIME_NEVER);
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(1), SB_TIME_MS(50), NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(2), SB_TIME_MS(20), NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(3), SB_TIME_NEVER, NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(4), SB_TIME_MS(20), NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(5), SB_TIME_MS(30), NULL));
  /* Reuse a slot so that slot order and age differ. */
  SBT_OK(sb_rpc_correlation_resolve(&t, cid_of(1), NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(6), SB_TIME_MS(30), NULL));
  SBT_EQ_U64(sb_rpc_correlation_next_deadline(&t), SB_TIME_MS(20));
  static const uint8_t order[] = {2, 4, 5, 6};
  sb_rpc_pending got;
  for (size_t i = 0; i < sizeof order; i++) {
    SBT_CHECK(sb_rpc_correlation_expire(&t, SB_TIME_MS(30), &got), "expiry %zu", i);
    SBT_EQ_U64(got.cid[0], order[i]);
  }
  SBT_CHECK(!sb_rpc_correlation_expire(&t, SB_TIME_MS(30), &got), "the rest is not due");
  SBT_EQ_U64(sb_rpc_correlation_next_deadline(&t), SB_TIME_NEVER);
  SBT_EQ_U64(sb_rpc_correlation_count(&t), 1);
}

static void correlation_takes_the_oldest_first_when_failing_all(void) {
  /* RPC-CID-006: order of addition, whatever slot a call sits in */
  sb_rpc_pending slots[3];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, 3);
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(1), 1, NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(2), 1, NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(3), 1, NULL));
  SBT_OK(sb_rpc_correlation_cancel(&t, cid_of(1), NULL));
  SBT_OK(sb_rpc_correlation_add(&t, cid_of(4), 1, NULL)); /* lands in slot 0 */
  static const uint8_t order[] = {2, 3, 4};
  sb_rpc_pending got;
  for (size_t i = 0; i < sizeof order; i++) {
    SBT_CHECK(sb_rpc_correlation_take_oldest(&t, &got), "take %zu", i);
    SBT_EQ_U64(got.cid[0], order[i]);
  }
  SBT_CHECK(!sb_rpc_correlation_take_oldest(&t, &got), "empty");
}

SBT_SUITE(rpc_correlation, "rpc/correlation", SBT_CASE(correlation_resolves_responses_in_any_order),
          SBT_CASE(correlation_rejects_a_duplicate_cid),
          SBT_CASE(correlation_reports_an_unknown_cid),
          SBT_CASE(correlation_discards_a_response_after_its_timeout),
          SBT_CASE(correlation_cancel_abandons_a_call), SBT_CASE(correlation_capacity_is_fixed),
          SBT_CASE(correlation_expires_by_deadline_then_age),
          SBT_CASE(correlation_takes_the_oldest_first_when_failing_all))
