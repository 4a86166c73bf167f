#include "cloud/listen.h"

#include <string.h>

#include "common/error.h"
#include "peer/backoff.h"

static int copy_text(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n == 0 || n >= cap) return SB_ERR_ARG;
  memcpy(dst, src, n + 1);
  return SB_OK;
}

int sb_cloud_listen_init(sb_cloud_listen *l, const sb_cloud_listen_config *cfg) {
  if (!l || !cfg || !cfg->api_key) return SB_ERR_ARG;
  memset(l, 0, sizeof *l);
  if (copy_text(l->api_key, sizeof l->api_key, cfg->api_key)) return SB_ERR_ARG;
  if (cfg->daemon_id) {
    if (copy_text(l->daemon_id, sizeof l->daemon_id, cfg->daemon_id)) return SB_ERR_ARG;
    l->has_daemon_id = true;
  }
  const char *relay = cfg->relay_url ? cfg->relay_url : SB_CLOUD_DEFAULT_RELAY_URL;
  if (copy_text(l->relay_url, sizeof l->relay_url, relay)) return SB_ERR_ARG;
  size_t need = 0;
  int rc = sb_cloud_url_with_token(relay, "", NULL, 0, &need); /* a size query */
  if (rc != SB_ERR_BUF && rc != SB_OK) return SB_ERR_ARG;
  l->wrap_json_body = cfg->wrap_json_body;
  l->peek = cfg->peek;
  return SB_OK;
}

sb_time_us sb_cloud_listen_backoff(uint32_t n) {
  /* 1000 * 2^5 = 32000 already exceeds the cap */
  uint64_t ms = n >= 5 ? SB_CLOUD_LISTEN_CAP_MS : (uint64_t)SB_CLOUD_LISTEN_BASE_MS << n;
  if (ms > SB_CLOUD_LISTEN_CAP_MS) ms = SB_CLOUD_LISTEN_CAP_MS;
  return SB_TIME_MS((int64_t)ms);
}

/* U(0, span) as Math.random() * span: r in [0, 1) from 53 random bits,
 * truncated to whole microseconds. */
static int uniform(const sb_rng *rng, sb_time_us span, sb_time_us *out) {
  double r = 0.0;
  int rc = sb_peer_backoff_draw(rng, &r);
  if (rc != SB_OK) return rc;
  *out = (sb_time_us)(r * (double)span);
  return SB_OK;
}

static void step_reset(sb_cloud_listen_step *step, sb_cloud_listen_step_kind kind) {
  memset(step, 0, sizeof *step);
  step->kind = kind;
}

static int call_renew(sb_cloud_listen *l, sb_cloud_listen_step *step) {
  int rc = sb_cloud_request_build(&l->request, SB_CLOUD_PROC_RENEW_TOKEN, l->api_key, NULL,
                                  l->wrap_json_body);
  if (rc != SB_OK) return rc;
  l->state = l->started ? SB_CLOUD_LISTEN_FETCHING : SB_CLOUD_LISTEN_STARTING;
  step_reset(step, SB_CLOUD_LISTEN_CALL);
  step->request = &l->request;
  return SB_OK;
}

static void stop(sb_cloud_listen *l, sb_cloud_listen_step *step, sb_cloud_error err) {
  l->state = SB_CLOUD_LISTEN_STOPPED;
  step_reset(step, SB_CLOUD_LISTEN_STOP);
  step->error = err;
  step->rejects_listen = !l->resolved && err.kind != SB_CLOUD_ERROR_NONE;
  step->report = l->resolved && err.kind != SB_CLOUD_ERROR_NONE; /* logged once running */
}

static void sleep_for(sb_cloud_listen *l, sb_cloud_listen_step *step, sb_time_us delay) {
  l->state = SB_CLOUD_LISTEN_WAITING;
  step_reset(step, SB_CLOUD_LISTEN_SLEEP);
  step->delay = delay;
}

static int open_with(sb_cloud_listen *l, sb_cloud_listen_step *step, const char *token) {
  size_t n = 0;
  int rc = sb_cloud_url_with_token(l->relay_url, token, l->url, sizeof l->url, &n);
  if (rc != SB_OK) return rc;
  l->state = SB_CLOUD_LISTEN_OPENING;
  l->connected = false;
  step_reset(step, SB_CLOUD_LISTEN_OPEN);
  step->url = l->url;
  return SB_OK;
}

int sb_cloud_listen_start(sb_cloud_listen *l, sb_cloud_listen_step *step) {
  if (!l || !step) return SB_ERR_ARG;
  if (l->state != SB_CLOUD_LISTEN_IDLE) return SB_ERR_STATE;
  return call_renew(l, step);
}

/* The loop's error path (CLOUD-072): fatal API errors end it; anything
 * else backs off with jitter. */
static int loop_error(sb_cloud_listen *l, sb_time_us now, const sb_rng *rng, sb_cloud_error err,
                      bool report, sb_cloud_listen_step *step) {
  if (err.kind == SB_CLOUD_ERROR_API && sb_cloud_classify_api_status(err.code) == SB_CLOUD_FATAL) {
    stop(l, step, err);
    return SB_OK;
  }
  if (l->connected && now - l->connected_at >= SB_CLOUD_STABLE_CONNECTION) l->loop_attempt = 0;
  sb_time_us jitter = 0;
  int rc = uniform(rng, SB_CLOUD_LISTEN_ERROR_JITTER, &jitter);
  if (rc != SB_OK) return rc;
  sb_time_us delay = sb_cloud_listen_backoff(l->loop_attempt) + jitter;
  if (l->loop_attempt < UINT32_MAX) l->loop_attempt++;
  l->connected = false;
  sleep_for(l, step, delay);
  step->report = report;
  step->error = err;
  return SB_OK;
}

static int startup_response(sb_cloud_listen *l, const sb_cloud_api_result *r,
                            sb_cloud_listen_step *step) {
  sb_cloud_error err = r->error;
  const char *token = NULL;
  if (err.kind == SB_CLOUD_ERROR_NONE) {
    token = sb_cloud_api_data_string(r, "presenceToken");
    if (!token) {
      err = SB_CLOUD_OTHER_ERROR; /* upstream: a TypeError, retried */
    } else {
      char did[SB_CLOUD_DAEMON_ID_MAX + 1];
      int rc = sb_auth_token_peek_did(token, strlen(token), l->peek,
                                      l->has_daemon_id ? l->daemon_id : NULL, did, sizeof did);
      if (rc == SB_ERR_NOMEM) return rc;
      if (rc == SB_ERR_BUF) rc = SB_ERR_AUTH_PEEK_DID; /* a did longer than any we keep */
      if (rc != SB_OK) err = sb_cloud_error_from_err(rc); /* CloudApiError(400) */
      else memcpy(l->daemon_id, did, strlen(did) + 1);
    }
  }
  if (err.kind == SB_CLOUD_ERROR_NONE) {
    /* the first connection uses this token */
    if (open_with(l, step, token) == SB_OK) {
      l->started = true;
      l->has_daemon_id = true;
      return SB_OK;
    }
    err = SB_CLOUD_OTHER_ERROR; /* a token too long for any URL we build */
  }
  if (err.kind == SB_CLOUD_ERROR_API && sb_cloud_classify_api_status(err.code) == SB_CLOUD_FATAL) {
    stop(l, step, err); /* CLOUD-062: no retry */
    return SB_OK;
  }
  /* CLOUD-063: retried forever, no jitter */
  sb_time_us delay = sb_cloud_listen_backoff(l->startup_attempt);
  if (l->startup_attempt < UINT32_MAX) l->startup_attempt++;
  sleep_for(l, step, delay);
  step->error = err;
  return SB_OK;
}

int sb_cloud_listen_response(sb_cloud_listen *l, sb_time_us now, const sb_rng *rng,
                             const sb_cloud_http_response *resp, sb_cloud_listen_step *step) {
  if (!l || !resp || !step) return SB_ERR_ARG;
  if (l->state != SB_CLOUD_LISTEN_STARTING && l->state != SB_CLOUD_LISTEN_FETCHING)
    return SB_ERR_STATE;
  sb_cloud_api_result r;
  int rc = sb_cloud_api_result_map(resp, &r);
  if (rc != SB_OK) return rc;
  if (l->state == SB_CLOUD_LISTEN_STARTING) {
    rc = startup_response(l, &r, step);
  } else {
    const char *token = sb_cloud_api_data_string(&r, "presenceToken");
    sb_cloud_error err = r.error;
    if (err.kind == SB_CLOUD_ERROR_NONE && !token) err = SB_CLOUD_OTHER_ERROR;
    l->connected = false; /* no connection in this attempt yet */
    if (err.kind == SB_CLOUD_ERROR_NONE && open_with(l, step, token) == SB_OK) rc = SB_OK;
    else rc = loop_error(l, now, rng, err.kind == SB_CLOUD_ERROR_NONE ? SB_CLOUD_OTHER_ERROR : err,
                         true, step);
  }
  sb_cloud_api_result_free(&r);
  return rc;
}

int sb_cloud_listen_wake(sb_cloud_listen *l, sb_cloud_listen_step *step) {
  if (!l || !step) return SB_ERR_ARG;
  if (l->state != SB_CLOUD_LISTEN_WAITING) return SB_ERR_STATE;
  return call_renew(l, step); /* CLOUD-070: a fresh presence token per connection */
}

int sb_cloud_listen_ws_open(sb_cloud_listen *l, sb_time_us now) {
  if (!l) return SB_ERR_ARG;
  if (l->state != SB_CLOUD_LISTEN_OPENING) return SB_ERR_STATE;
  l->state = SB_CLOUD_LISTEN_CONNECTED;
  l->connected = true;
  l->connected_at = now;
  l->resolved = true; /* CLOUD-065 */
  l->connections++;
  return SB_OK;
}

int sb_cloud_listen_ws_end(sb_cloud_listen *l, sb_time_us now, const sb_rng *rng,
                           sb_cloud_listen_end how, sb_cloud_listen_step *step) {
  if (!l || !step) return SB_ERR_ARG;
  bool opening = l->state == SB_CLOUD_LISTEN_OPENING;
  if (!opening && l->state != SB_CLOUD_LISTEN_CONNECTED) return SB_ERR_STATE;
  if (opening && how != SB_CLOUD_LISTEN_END_ERROR) return SB_ERR_STATE;
  if (how == SB_CLOUD_LISTEN_END_CLEAN) {
    sb_time_us delay;
    if (now - l->connected_at >= SB_CLOUD_STABLE_CONNECTION) {
      l->loop_attempt = 0;
      int rc = uniform(rng, SB_CLOUD_LISTEN_CLEAN_JITTER, &delay);
      if (rc != SB_OK) return rc;
    } else {
      delay = sb_cloud_listen_backoff(l->loop_attempt);
      if (l->loop_attempt < UINT32_MAX) l->loop_attempt++;
    }
    l->connected = false;
    sleep_for(l, step, delay);
    return SB_OK;
  }
  sb_cloud_error err = SB_CLOUD_OTHER_ERROR;
  return loop_error(l, now, rng, err, how == SB_CLOUD_LISTEN_END_ERROR, step);
}

int sb_cloud_listen_abort(sb_cloud_listen *l, sb_cloud_listen_step *step) {
  if (!l || !step) return SB_ERR_ARG;
  if (l->resolved || l->state == SB_CLOUD_LISTEN_STOPPED) {
    step_reset(step, SB_CLOUD_LISTEN_NONE);
    return SB_OK;
  }
  stop(l, step, (sb_cloud_error){SB_CLOUD_ERROR_ABORT, 0});
  return SB_OK;
}

void sb_cloud_listen_close(sb_cloud_listen *l, sb_cloud_listen_step *step) {
  sb_cloud_listen_step ignored;
  if (!step) step = &ignored;
  if (!l) {
    step_reset(step, SB_CLOUD_LISTEN_NONE);
    return;
  }
  stop(l, step, SB_CLOUD_NO_ERROR);
}

const char *sb_cloud_listen_daemon_id(const sb_cloud_listen *l) {
  return (l && l->started) ? l->daemon_id : NULL;
}
