/* Tests for peer/events.h: emit, subscriptions, dispatch and buffering. */
#include "peer/events.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "peer/peer.h"
#include "peer/world_test.h"
#include "test/sbt.h"

/* A subscription's context: its label and the node it logs to. */
typedef struct sub_ctx {
  const char *label;
  world_node *node;
  int fail;           /* return this (non-zero: the handler throws) */
  uint32_t drop;      /* unsubscribe this id on the first call */
  const char *add;    /* subscribe this exact name on the first call */
  struct sub_ctx *add_ctx;
  bool done;
} sub_ctx;

static int on_event(void *ctx, const char *name, const cJSON *data) {
  sub_ctx *s = ctx;
  char *json = data ? cJSON_PrintUnformatted(data) : NULL;
  world_log(s->node, "V %s %s%s%s", s->label, name, json ? " " : "", json ? json : "");
  cJSON_free(json);
  if (!s->done) {
    s->done = true;
    if (s->drop) sb_peer_events_off(s->node->p, s->drop);
    uint32_t id = 0;
    if (s->add) SBT_OK(sb_peer_events_on(s->node->p, s->add, on_event, s->add_ctx, &id));
  }
  return s->fail;
}

static world *connected(const sb_peer_config *a_cfg) {
  world *w = world_new(a_cfg, NULL, NULL);
  world_connect(w);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE, "A active");
  world_take(&w->a);
  world_take(&w->b);
  return w;
}

static void emit(world *w, const char *name, const char *json) {
  cJSON *data = json ? cJSON_Parse(json) : NULL;
  SBT_OK(sb_peer_events_emit(w->a.p, w->now, name, data));
  cJSON_Delete(data);
}

/* The data of the frame A sent `back` frames ago, with its subject. */
static char *sent_a_text(world *w, size_t back) {
  size_t len = 0;
  const uint8_t *bytes = world_sent_a(w, back, &len);
  sb_sbp_frame f;
  if (!bytes || sb_sbp_frame_decode(bytes, len, &f) != SB_OK || f.kind != SB_SBP_KIND_MESSAGE) {
    SBT_CHECK(false, "A sent no Message %zu back", back);
    return calloc(1, 1);
  }
  char *text = calloc(1, f.message.subject_len + f.message.data_len + 2);
  memcpy(text, f.message.subject, f.message.subject_len);
  text[f.message.subject_len] = ' ';
  memcpy(text + f.message.subject_len + 1, f.message.data, f.message.data_len);
  return text;
}

static size_t message_frame(const char *subject, const char *data, uint8_t *out, size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_MESSAGE};
  memset(f.frame_id, 0x61, 16);
  f.message.subject = (const uint8_t *)subject;
  f.message.subject_len = strlen(subject);
  f.message.data = (const uint8_t *)data;
  f.message.data_len = strlen(data);
  size_t len = 0;
  SBT_OK(sb_sbp_frame_encode(&f, out, cap, &len));
  return len;
}

static void emit_in_active_sends_a_notification(void) {
  /* EVT-001, EVT-002, EVT-EMT-001, EVT-EMT-002, RPC-NOT-001: {t:N, e, d?}
   * on subject `event`, no cid, sent at once; no data -> no `d`. */
  world *w = connected(NULL);
  emit(w, "task.completed", "{\"taskId\":\"abc\"}");
  char *t = sent_a_text(w, 0);
  SBT_STR_EQ(t, "event {\"t\":\"N\",\"e\":\"task.completed\",\"d\":{\"taskId\":\"abc\"}}");
  free(t);
  emit(w, "heartbeat", NULL);
  t = sent_a_text(w, 0);
  SBT_STR_EQ(t, "event {\"t\":\"N\",\"e\":\"heartbeat\"}");
  free(t);
  world_free(w);
}

static void invalid_names_and_patterns_fail_at_once(void) {
  /* EVT-PAT-005, EVT-PAT-006, PEER-ERR-002: emit/on refuse wildcards and
   * malformed names, onPattern malformed patterns, synchronously, all
   * invalid_pattern. */
  world *w = connected(NULL);
  sub_ctx s = {"x", &w->a, 0, 0, NULL, NULL, false};
  uint32_t id = 0;
  int rc = sb_peer_events_emit(w->a.p, w->now, "task.*", NULL);
  SBT_ERR_EQ(rc, SB_ERR_EVT_WILDCARD_IN_NAME);
  SBT_STR_EQ(sb_peer_error_code(rc), "invalid_pattern");
  SBT_ERR_EQ(sb_peer_events_emit(w->a.p, w->now, "a..b", NULL), SB_ERR_EVT_EMPTY_SEGMENT);
  SBT_ERR_EQ(sb_peer_events_on(w->a.p, ">", on_event, &s, &id), SB_ERR_EVT_WILDCARD_IN_NAME);
  SBT_ERR_EQ(sb_peer_events_on_pattern(w->a.p, "task.**", on_event, &s, &id),
             SB_ERR_EVT_DOUBLE_STAR);
  SBT_ERR_EQ(sb_peer_events_on_pattern(w->a.p, "a.>.b", on_event, &s, &id), SB_ERR_EVT_GT_NOT_LAST);
  SBT_OK(sb_peer_events_on_pattern(w->a.p, "task.>", on_event, &s, &id));
  SBT_EQ_U64(w->a_sent_count, 1); /* only the Handshake: nothing about subscriptions is sent */
  world_free(w);
}

static void dispatch_runs_exact_then_patterns_in_registration_order(void) {
  /* EVT-DSP-001, EVT-DSP-003 (events.md inconsistency 2): exact handlers
   * first, then patterns, each in registration order; EVT-PAT-001. */
  world *w = connected(NULL);
  world_node *b = &w->b;
  sub_ctx p1 = {"p1:task.*", b, 0, 0, NULL, NULL, false};
  sub_ctx e1 = {"e1", b, 0, 0, NULL, NULL, false};
  sub_ctx p2 = {"p2:>", b, 0, 0, NULL, NULL, false};
  sub_ctx e2 = {"e2", b, 0, 0, NULL, NULL, false};
  sub_ctx p3 = {"p3:task.>", b, 0, 0, NULL, NULL, false};
  uint32_t id = 0;
  SBT_OK(sb_peer_events_on_pattern(b->p, "task.*", on_event, &p1, &id));
  SBT_OK(sb_peer_events_on(b->p, "task.done", on_event, &e1, &id));
  SBT_OK(sb_peer_events_on_pattern(b->p, ">", on_event, &p2, &id));
  SBT_OK(sb_peer_events_on(b->p, "task.done", on_event, &e2, &id));
  SBT_OK(sb_peer_events_on_pattern(b->p, "task.>", on_event, &p3, &id));
  emit(w, "task.done", "{\"n\":1}");
  emit(w, "task.step.one", NULL);
  world_pump(w);
  SBT_STR_EQ(world_take(b),
             "V e1 task.done {\"n\":1}\n"
             "V e2 task.done {\"n\":1}\n"
             "V p1:task.* task.done {\"n\":1}\n"
             "V p2:> task.done {\"n\":1}\n"
             "V p3:task.> task.done {\"n\":1}\n"
             "V p2:> task.step.one\n"
             "V p3:task.> task.step.one\n");
  world_free(w);
}

static void dispatch_uses_a_snapshot(void) {
  /* EVT-DSP-003: (un)subscribing from a handler affects later events only;
   * EVT-DSP-005: unsubscribe is idempotent. */
  world *w = connected(NULL);
  world_node *b = &w->b;
  sub_ctx late = {"late", b, 0, 0, NULL, NULL, false};
  sub_ctx second = {"second", b, 0, 0, NULL, NULL, false};
  sub_ctx first = {"first", b, 0, 0, "x", &late, false};
  uint32_t id1 = 0, id2 = 0;
  SBT_OK(sb_peer_events_on(b->p, "x", on_event, &first, &id1));
  SBT_OK(sb_peer_events_on(b->p, "x", on_event, &second, &id2));
  first.drop = id2;
  emit(w, "x", NULL);
  world_pump(w);
  SBT_STR_EQ(world_take(b), "V first x\nV second x\n");
  emit(w, "x", NULL);
  world_pump(w);
  SBT_STR_EQ(world_take(b), "V first x\nV late x\n");
  sb_peer_events_off(b->p, id1);
  sb_peer_events_off(b->p, id1);
  sb_peer_events_off(b->p, id2);
  emit(w, "x", NULL);
  world_pump(w);
  SBT_STR_EQ(world_take(b), "V late x\n");
  world_free(w);
}

static void a_throwing_handler_does_not_stop_the_others(void) {
  /* EVT-DSP-002, PEER-ERR-003: the error goes to onUnhandledError. */
  world *w = connected(NULL);
  world_node *b = &w->b;
  sub_ctx bad = {"bad", b, SB_ERR_STATE, 0, NULL, NULL, false};
  sub_ctx good = {"good", b, 0, 0, NULL, NULL, false};
  uint32_t id = 0;
  SBT_OK(sb_peer_events_on(b->p, "x", on_event, &bad, &id));
  SBT_OK(sb_peer_events_on_pattern(b->p, "*", on_event, &good, &id));
  emit(w, "x", NULL);
  world_pump(w);
  SBT_STR_EQ(world_take(b), "V bad x\nU SB_ERR_STATE: event handler failed\nV good x\n");
  world_free(w);
}

static void same_handler_twice_is_one_subscription(void) {
  /* EVT-DSP-006: (name, handler) is a set; a pattern and an exact
   * subscription of the same handler both run (events.md open point). */
  world *w = connected(NULL);
  world_node *b = &w->b;
  sub_ctx s = {"s", b, 0, 0, NULL, NULL, false};
  uint32_t id1 = 0, id2 = 0, id3 = 0;
  SBT_OK(sb_peer_events_on(b->p, "x", on_event, &s, &id1));
  SBT_OK(sb_peer_events_on(b->p, "x", on_event, &s, &id2));
  SBT_EQ_U64(id1, id2);
  SBT_OK(sb_peer_events_on_pattern(b->p, "x", on_event, &s, &id3));
  emit(w, "x", NULL);
  world_pump(w);
  SBT_STR_EQ(world_take(b), "V s x\nV s x\n");
  world_free(w);
}

static void inbound_names_are_not_checked_against_the_grammar(void) {
  /* EVT-DSP-004: a raw inbound name reaches a matching pattern. EVT-003,
   * RPC-VAL-004: a malformed envelope or a non-N on `event` is dropped and
   * never answered with an ErrorFrame. */
  world *w = connected(NULL);
  sub_ctx s = {"all", &w->a, 0, 0, NULL, NULL, false};
  uint32_t id = 0;
  SBT_OK(sb_peer_events_on_pattern(w->a.p, ">", on_event, &s, &id));
  uint8_t frame[256];
  size_t before = w->a_sent_count;
  size_t len = message_frame("event", "{\"t\":\"N\",\"e\":\"Bad Name!\"}", frame, sizeof frame);
  world_inject_a(w, frame, len);
  len = message_frame("event", "not json", frame, sizeof frame);
  world_inject_a(w, frame, len);
  len = message_frame("event", "{\"t\":\"r\",\"m\":\"x\",\"cid\":\"0123456789abcdeffedcba9876543210\"}",
                      frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_STR_EQ(world_take(&w->a), "V all Bad Name!\n");
  SBT_EQ_U64(w->a_sent_count, before);
  world_free(w);
}

static void events_buffer_while_not_active_and_flush_after_calls(void) {
  /* EVT-EMT-003, PEER-BUF-005: buffered from idle up to maxBufferedEvents,
   * oldest evicted silently; EVT-EMT-004: sent in order on active, after
   * the RPC queue (E-PEER-9). */
  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.max_buffered_events = 2;
  c.on_disconnect = SB_PEER_ON_DISCONNECT_PAUSE;
  world *w = world_new(&c, NULL, NULL);
  emit(w, "e1", NULL);
  emit(w, "e2", NULL);
  SBT_OK(sb_peer_rpc_call(w->a.p, w->now, 1, "m", NULL, NULL));
  emit(w, "e3", "[3]");
  SBT_EQ_U64(sb_peer_events_buffered(w->a.p), 2);
  SBT_STR_EQ(w->a.last_note, "event_evicted oldest buffered event dropped");
  world_connect(w);
  char *t0 = sent_a_text(w, 0), *t1 = sent_a_text(w, 1), *t2 = sent_a_text(w, 2);
  SBT_STR_EQ(t0, "event {\"t\":\"N\",\"e\":\"e3\",\"d\":[3]}");
  SBT_STR_EQ(t1, "event {\"t\":\"N\",\"e\":\"e2\"}");
  SBT_CHECK(strncmp(t2, "rpc {\"t\":\"r\",\"m\":\"m\"", 20) == 0, "the call first: %s", t2);
  SBT_EQ_U64(sb_peer_events_buffered(w->a.p), 0);
  free(t0);
  free(t1);
  free(t2);
  world_free(w);
}

static void zero_limit_disables_buffering(void) {
  /* EVT-EMT-006: maxBufferedEvents 0 drops events emitted while not active. */
  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.max_buffered_events = 0;
  world *w = world_new(&c, NULL, NULL);
  emit(w, "e1", NULL);
  SBT_EQ_U64(sb_peer_events_buffered(w->a.p), 0);
  world_connect(w);
  SBT_EQ_U64(w->a_sent_count, 1); /* the Handshake only */
  world_free(w);
}

static void paused_always_buffers_and_resume_flushes(void) {
  /* EVT-EMT-008: buffered while paused whatever onDisconnect says; flushed
   * on session_resumed (EVT-EMT-004). */
  world *w = connected(NULL);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  size_t before = w->a_sent_count;
  emit(w, "p1", NULL);
  SBT_EQ_U64(w->a_sent_count, before);
  SBT_EQ_U64(sb_peer_events_buffered(w->a.p), 1);
  world_signal_a(w, SB_PEER_SIGNAL_RESUMED);
  SBT_EQ_U64(w->a_sent_count, before + 1);
  char *t = sent_a_text(w, 0);
  SBT_STR_EQ(t, "event {\"t\":\"N\",\"e\":\"p1\"}");
  free(t);
  world_free(w);
}

static void closed_drops_the_buffer_and_ignores_emit(void) {
  /* EVT-EMT-005, PEER-BUF-004: dropped silently on closed; emit after
   * closed does nothing (a valid name is still required). */
  world *w = world_new(NULL, NULL, NULL);
  emit(w, "e1", NULL);
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  SBT_EQ_U64(sb_peer_events_buffered(w->a.p), 0);
  world_take(&w->a);
  emit(w, "e2", NULL);
  SBT_EQ_U64(sb_peer_events_buffered(w->a.p), 0);
  SBT_ERR_EQ(sb_peer_events_emit(w->a.p, w->now, "*", NULL), SB_ERR_EVT_WILDCARD_IN_NAME);
  SBT_STR_EQ(world_take(&w->a), "");
  world_free(w);
}

static void subscriptions_survive_reconnects(void) {
  /* EVT-004, PEER-SM-010: local subscriptions keep working on the new session. */
  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.retry.mode = SB_PEER_RETRY_ON_ERROR;
  c.retry.jitter = 0;
  world *w = connected(&c);
  sub_ctx s = {"s", &w->a, 0, 0, NULL, NULL, false};
  uint32_t id = 0;
  SBT_OK(sb_peer_events_on(w->a.p, "news", on_event, &s, &id));
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "drop");
  world_advance(w, SB_TIME_S(1));
  world_accept(w);
  world_pump(w);
  world_take(&w->a);
  SBT_OK(sb_peer_events_emit(w->b.p, w->now, "news", NULL));
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a), "V s news\n");
  world_free(w);
}

static void subscription_table_has_a_limit(void) {
  /* A full table is SB_ERR_FULL, not a silent loss. */
  world *w = world_new(NULL, NULL, NULL);
  sub_ctx s[SB_PEER_MAX_SUBSCRIPTIONS + 1];
  uint32_t id = 0;
  for (size_t i = 0; i <= SB_PEER_MAX_SUBSCRIPTIONS; i++) {
    s[i] = (sub_ctx){"s", &w->a, 0, 0, NULL, NULL, false};
    int rc = sb_peer_events_on(w->a.p, "x", on_event, &s[i], &id);
    SBT_ERR_EQ(rc, i < SB_PEER_MAX_SUBSCRIPTIONS ? SB_OK : SB_ERR_FULL);
  }
  world_free(w);
}

SBT_SUITE(peer_events, "peer/events", SBT_CASE(emit_in_active_sends_a_notification),
          SBT_CASE(invalid_names_and_patterns_fail_at_once),
          SBT_CASE(dispatch_runs_exact_then_patterns_in_registration_order),
          SBT_CASE(dispatch_uses_a_snapshot), SBT_CASE(a_throwing_handler_does_not_stop_the_others),
          SBT_CASE(same_handler_twice_is_one_subscription),
          SBT_CASE(inbound_names_are_not_checked_against_the_grammar),
          SBT_CASE(events_buffer_while_not_active_and_flush_after_calls),
          SBT_CASE(zero_limit_disables_buffering), SBT_CASE(paused_always_buffers_and_resume_flushes),
          SBT_CASE(closed_drops_the_buffer_and_ignores_emit),
          SBT_CASE(subscriptions_survive_reconnects), SBT_CASE(subscription_table_has_a_limit));
