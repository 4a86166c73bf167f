#include "peer/events.h"

#include <string.h>

#include "common/error.h"
#include "peer/peer.h"

#define EVENT_SUBJECT "event"

void sb_peer_events_init(sb_peer_events *e) { memset(e, 0, sizeof *e); }

static void drop_oldest(sb_peer_events *e) {
  cJSON_Delete(e->buffer[e->head]);
  e->buffer[e->head] = NULL;
  e->head = (e->head + 1) % SB_PEER_MAX_BUFFERED_EVENTS;
  e->count--;
}

void sb_peer_events_free(sb_peer_events *e) {
  if (!e) return;
  while (e->count) drop_oldest(e);
}

/* Send one notification now; a failure that is not the race with a
 * disconnect goes to onUnhandledError (EVT-EMT-001, EVT-EMT-007). */
static void send_event(sb_peer *p, const char *name, const cJSON *data) {
  sb_rpc_envelope env = {.t = SB_RPC_NOTIFICATION, .e = name, .d = data};
  int rc = sb_peer_send_envelope(p, EVENT_SUBJECT, &env, NULL);
  if (rc == SB_ERR_PEER_NOT_CONNECTED || rc == SB_ERR_PEER_CLOSED)
    sb_peer_notify(p, "event_not_sent", rc, name);
  else if (rc != SB_OK)
    sb_peer_unhandled(p, rc, "event not sent");
}

static bool is_undefined(const cJSON *v) { return !v || (v->type & 0xFF) == cJSON_Invalid; }

int sb_peer_events_emit(sb_peer *p, sb_time_us now, const char *name, const cJSON *data) {
  (void)now;
  if (!p || !name) return SB_ERR_ARG;
  int rc = sb_events_pattern_validate_name(name, strlen(name));
  if (rc != SB_OK) return rc;
  if (is_undefined(data)) data = NULL;
  if (p->state == SB_PEER_ACTIVE) {
    send_event(p, name, data);
    return SB_OK;
  }
  if (p->state == SB_PEER_CLOSED) return SB_OK; /* silently (EVT-EMT-005) */
  sb_peer_events *e = &p->events;
  uint32_t max = p->cfg.max_buffered_events;
  if (max == 0) {
    sb_peer_notify(p, "event_dropped", 0, "maxBufferedEvents is 0");
    return SB_OK;
  }
  cJSON *item = cJSON_CreateObject();
  cJSON *copy = data ? cJSON_Duplicate(data, 1) : NULL;
  if (!item || !cJSON_AddStringToObject(item, "e", name) || (data && !copy) ||
      (copy && !cJSON_AddItemToObject(item, "d", copy))) {
    cJSON_Delete(copy);
    cJSON_Delete(item);
    return SB_ERR_NOMEM;
  }
  if (e->count >= max) {
    sb_peer_notify(p, "event_evicted", 0, "oldest buffered event dropped");
    drop_oldest(e);
  }
  e->buffer[(e->head + e->count) % SB_PEER_MAX_BUFFERED_EVENTS] = item;
  e->count++;
  return SB_OK;
}

static int subscribe(sb_peer *p, bool pattern, const char *text, sb_peer_event_fn fn, void *ctx,
                     uint32_t *id) {
  sb_peer_events *e = &p->events;
  /* The same handler on the same name is one subscription (a Set upstream, EVT-DSP-006). */
  for (size_t i = 0; !pattern && i < e->sub_count; i++) {
    const sb_peer_subscription *s = &e->subs[i];
    if (!s->pattern && s->fn == fn && s->ctx == ctx && strcmp(s->text, text) == 0) {
      *id = s->id;
      return SB_OK;
    }
  }
  if (e->sub_count == SB_PEER_MAX_SUBSCRIPTIONS) return SB_ERR_FULL;
  sb_peer_subscription *s = &e->subs[e->sub_count++];
  memset(s, 0, sizeof *s);
  if (++e->next_id == 0) ++e->next_id;
  s->id = e->next_id;
  s->pattern = pattern;
  memcpy(s->text, text, strlen(text) + 1); /* validated: at most 255 bytes */
  s->fn = fn;
  s->ctx = ctx;
  *id = s->id;
  return SB_OK;
}

int sb_peer_events_on(sb_peer *p, const char *name, sb_peer_event_fn fn, void *ctx, uint32_t *id) {
  if (!p || !name || !fn || !id) return SB_ERR_ARG;
  int rc = sb_events_pattern_validate_name(name, strlen(name));
  if (rc != SB_OK) return rc;
  return subscribe(p, false, name, fn, ctx, id);
}

int sb_peer_events_on_pattern(sb_peer *p, const char *pattern, sb_peer_event_fn fn, void *ctx,
                              uint32_t *id) {
  if (!p || !pattern || !fn || !id) return SB_ERR_ARG;
  int rc = sb_events_pattern_validate(pattern, strlen(pattern));
  if (rc != SB_OK) return rc;
  return subscribe(p, true, pattern, fn, ctx, id);
}

void sb_peer_events_off(sb_peer *p, uint32_t id) {
  if (!p || id == 0) return;
  sb_peer_events *e = &p->events;
  for (size_t i = 0; i < e->sub_count; i++) {
    if (e->subs[i].id != id) continue;
    /* Keep registration order for the ones left. */
    memmove(&e->subs[i], &e->subs[i + 1], (e->sub_count - i - 1) * sizeof e->subs[0]);
    e->sub_count--;
    return;
  }
}

size_t sb_peer_events_buffered(const sb_peer *p) { return p ? p->events.count : 0; }

void sb_peer_events_flush(sb_peer *p) {
  /* Only what is buffered now, oldest first. */
  sb_peer_events *e = &p->events;
  size_t n = e->count;
  for (size_t i = 0; i < n && e->count && p->state == SB_PEER_ACTIVE; i++) {
    cJSON *item = e->buffer[e->head];
    e->buffer[e->head] = NULL;
    e->head = (e->head + 1) % SB_PEER_MAX_BUFFERED_EVENTS;
    e->count--;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "e");
    send_event(p, cJSON_GetStringValue(name), cJSON_GetObjectItemCaseSensitive(item, "d"));
    cJSON_Delete(item);
  }
}

void sb_peer_events_closed(sb_peer *p) { sb_peer_events_free(&p->events); }

typedef struct handler_ref {
  sb_peer_event_fn fn;
  void *ctx;
} handler_ref;

void sb_peer_events_receive(sb_peer *p, const sb_rpc_envelope *env) {
  const sb_peer_events *e = &p->events;
  const char *name = env->e;
  size_t name_len = strlen(name);
  /* Snapshot first (EVT-DSP-003): exact subscriptions, then patterns, each
   * in registration order. */
  handler_ref snap[SB_PEER_MAX_SUBSCRIPTIONS];
  size_t n = 0;
  for (size_t i = 0; i < e->sub_count; i++)
    if (!e->subs[i].pattern && strcmp(e->subs[i].text, name) == 0)
      snap[n++] = (handler_ref){e->subs[i].fn, e->subs[i].ctx};
  for (size_t i = 0; i < e->sub_count; i++)
    if (e->subs[i].pattern &&
        sb_events_pattern_match(e->subs[i].text, strlen(e->subs[i].text), name, name_len))
      snap[n++] = (handler_ref){e->subs[i].fn, e->subs[i].ctx};
  if (n == 0) sb_peer_notify(p, "event_unhandled", 0, name);
  for (size_t i = 0; i < n; i++) {
    int rc = snap[i].fn(snap[i].ctx, name, env->d);
    if (rc != 0) sb_peer_unhandled(p, rc, "event handler failed"); /* EVT-DSP-002 */
  }
}
