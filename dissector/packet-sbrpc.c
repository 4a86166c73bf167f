/*
 * RPC and event envelopes (../shared/spec/rpc.md, events.md): the UTF-8
 * JSON object that is the whole data of an SBP Message on subject `rpc`
 * (requests `r`, successes `R`, errors `E`) or `event` (notifications `N`).
 *
 * Requests and responses are linked by `cid` within one connection (a relay
 * connection or a plain SBP connection), as Wireshark does for DNS:
 * sbrpc.response_in on the request, sbrpc.response_to and sbrpc.time on the
 * response. Params, results, error data and event data are handed to
 * Wireshark's JSON dissector.
 */
#include <epan/expert.h>
#include <epan/proto_data.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <epan/strutil.h>
#include <wsutil/wsjson.h>

#include "sbrp-plugin.h"

#define CID_CHARS 32u
#define MAX_TOKENS (1 << 20)

void proto_register_sbrpc(void);

static int proto_sbrpc = -1;

static int hf_t = -1, hf_method = -1, hf_cid = -1, hf_params = -1, hf_result = -1,
           hf_err_code = -1, hf_err_name = -1, hf_err_message = -1, hf_err_data = -1,
           hf_event = -1, hf_event_data = -1, hf_response_in = -1, hf_response_to = -1,
           hf_time = -1, hf_req_method = -1;

static gint ett_sbrpc = -1, ett_value = -1;

static expert_field ei_not_json = EI_INIT, ei_not_object = EI_INIT, ei_bad_t = EI_INIT,
                    ei_missing = EI_INIT, ei_bad_cid = EI_INIT, ei_channel = EI_INIT,
                    ei_cid_frame = EI_INIT, ei_unmatched = EI_INIT, ei_code = EI_INIT,
                    ei_rpc_error = EI_INIT;

static dissector_handle_t json_handle;

static const value_string t_vals[] = {{'r', "RpcRequest"},
                                      {'R', "RpcSuccess"},
                                      {'E', "RpcError"},
                                      {'N', "RpcNotification"},
                                      {0, NULL}};

static const value_string code_vals[] = {{1000, "ProtocolViolation"}, {1001, "UnsupportedVersion"},
                                         {1002, "InvalidFrame"},      {1003, "UnsupportedFeature"},
                                         {1100, "InvalidEnvelope"},   {1101, "UnsupportedMethod"},
                                         {1102, "CorrelationMismatch"}, {1103, "Timeout"},
                                         {1104, "EnvelopeMismatch"},  {2000, "ApplicationError"},
                                         {0, NULL}};

/* ---- request/response state (first pass) ------------------------------------ */

typedef struct rpc_call {
  guint32 req_frame, resp_frame;
  nstime_t req_time, resp_time;
  char *method;
} rpc_call;

typedef struct rpc_msg {
  rpc_call *call;
  bool is_response;
  bool unmatched;
} rpc_msg;

typedef struct call_key {
  guint32 conv;
  char cid[CID_CHARS];
} call_key;

static wmem_map_t *calls; /* call_key -> rpc_call (the latest request with that cid) */

static guint call_hash(gconstpointer p) {
  const call_key *k = p;
  guint h = k->conv;
  for (unsigned i = 0; i < CID_CHARS; i++) h = h * 33u + (guint8)k->cid[i];
  return h;
}

static gboolean call_equal(gconstpointer a, gconstpointer b) {
  const call_key *x = a, *y = b;
  return x->conv == y->conv && memcmp(x->cid, y->cid, CID_CHARS) == 0;
}

/* ---- JSON helpers (jsmn tokens over a NUL-terminated copy of the tvb) -------- */

/* Index of the token after the value at `i` and everything nested in it. */
static int tok_skip(const jsmntok_t *t, int n, int i) {
  int pending = 1;
  while (pending > 0 && i < n) {
    if (t[i].type == JSMN_OBJECT) pending += 2 * t[i].size;
    else if (t[i].type == JSMN_ARRAY) pending += t[i].size;
    pending--;
    i++;
  }
  return i;
}

/* Byte span of a value token in the text, quotes included for strings. */
static void tok_span(const jsmntok_t *t, int *start, int *len) {
  int s = t->start, e = t->end;
  if (t->type == JSMN_STRING) {
    s--;
    e++;
  }
  *start = s;
  *len = e - s;
}

/* The unescaped text of a string token (packet scope), or NULL if it does not decode.
 * Escapes such as a lone \ud800 would make it invalid UTF-8: those become U+FFFD. */
static char *tok_string(packet_info *pinfo, const char *text, const jsmntok_t *t) {
  if (t->type != JSMN_STRING) return NULL;
  char *s = wmem_strndup(pinfo->pool, text + t->start, (size_t)(t->end - t->start));
  if (!json_decode_string_inplace(s)) return NULL;
  if (g_utf8_validate(s, -1, NULL)) return s;
  char *valid = g_utf8_make_valid(s, -1);
  s = wmem_strdup(pinfo->pool, valid);
  g_free(valid);
  return s;
}

/* A JSON literal or number, exactly (RFC 8259 grammar). */
static bool primitive_ok(const char *p, int n) {
  if ((n == 4 && !memcmp(p, "true", 4)) || (n == 5 && !memcmp(p, "false", 5)) ||
      (n == 4 && !memcmp(p, "null", 4)))
    return true;
  int i = 0;
  if (i < n && p[i] == '-') i++;
  if (i < n && p[i] == '0') i++;
  else if (i < n && p[i] >= '1' && p[i] <= '9')
    while (i < n && g_ascii_isdigit(p[i])) i++;
  else
    return false;
  if (i < n && p[i] == '.') {
    int d = ++i;
    while (i < n && g_ascii_isdigit(p[i])) i++;
    if (i == d) return false;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    int d = i;
    while (i < n && g_ascii_isdigit(p[i])) i++;
    if (i == d) return false;
  }
  return i == n;
}

bool sbx_json_tokens(wmem_allocator_t *scope, const char *text, size_t len, jsmntok_t **tokens,
                     int *ntokens) {
  if (len == 0 || len > INT_MAX || strlen(text) != len) return false;
  int n = json_parse(text, NULL, 0);
  if (n <= 0 || n > MAX_TOKENS) return false;
  jsmntok_t *tok = wmem_alloc_array(scope, jsmntok_t, n);
  if (json_parse(text, tok, (unsigned)n) != n) return false;
  /* Walk the tokens with an explicit stack (no recursion: nesting is unbounded). */
  typedef struct level {
    int type, left;
    bool key_next;
  } level;
  level *st = wmem_alloc_array(scope, level, n);
  int depth = 0;
  for (int i = 0; i < n; i++) {
    const jsmntok_t *t = &tok[i];
    if (depth > 0 && st[depth - 1].type == JSMN_OBJECT && st[depth - 1].key_next) {
      if (t->type != JSMN_STRING) return false;
      st[depth - 1].key_next = false;
      continue;
    }
    if (t->type == JSMN_PRIMITIVE && !primitive_ok(text + t->start, t->end - t->start)) return false;
    if (depth > 0) {
      st[depth - 1].left--;
      if (st[depth - 1].type == JSMN_OBJECT) st[depth - 1].key_next = true;
    } else if (i != 0) {
      return false; /* a second value after the first */
    }
    if ((t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) && t->size > 0)
      st[depth++] = (level){t->type, t->size, t->type == JSMN_OBJECT};
    while (depth > 0 && st[depth - 1].left == 0) depth--;
  }
  if (depth != 0) return false;
  *tokens = tok;
  *ntokens = n;
  return true;
}

typedef struct members {
  int t, m, cid, p, result, code, message, data, e, d; /* token indexes, or -1 */
} members;

static void collect(const char *text, const jsmntok_t *tok, int n, members *out) {
  static const struct {
    const char *name;
    size_t off;
  } names[] = {{"t", offsetof(members, t)},
               {"m", offsetof(members, m)},
               {"cid", offsetof(members, cid)},
               {"p", offsetof(members, p)},
               {"result", offsetof(members, result)},
               {"code", offsetof(members, code)},
               {"message", offsetof(members, message)},
               {"data", offsetof(members, data)},
               {"e", offsetof(members, e)},
               {"d", offsetof(members, d)}};
  memset(out, 0xff, sizeof *out); /* all -1 */
  int i = 1;
  for (int k = 0; k < tok[0].size && i + 1 < n; k++) {
    const jsmntok_t *key = &tok[i];
    int klen = key->end - key->start;
    for (size_t j = 0; j < G_N_ELEMENTS(names); j++)
      if (key->type == JSMN_STRING && (size_t)klen == strlen(names[j].name) &&
          memcmp(text + key->start, names[j].name, (size_t)klen) == 0)
        *(int *)((char *)out + names[j].off) = i + 1; /* last one wins, as JSON.parse */
    i = tok_skip(tok, n, i + 1);
  }
}

static void call_json(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int start, int len) {
  if (!json_handle || !tree || len <= 0) return;
  col_set_writable(pinfo->cinfo, -1, FALSE);
  call_dissector_only(json_handle, tvb_new_subset_length(tvb, start, len), pinfo, tree, NULL);
  col_set_writable(pinfo->cinfo, -1, TRUE);
}

/* A JSON value member shown as its text and handed to the JSON dissector. */
static void add_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *st, int hf, const char *text,
                      const jsmntok_t *t) {
  int start, len;
  tok_span(t, &start, &len);
  proto_item *it = proto_tree_add_string(st, hf, tvb, start, len,
                                         wmem_strndup(pinfo->pool, text + start, (size_t)len));
  call_json(tvb, pinfo, proto_item_add_subtree(it, ett_value), start, len);
}

static bool cid_valid(const char *cid, bool *upper) {
  *upper = false;
  if (!cid || strlen(cid) != CID_CHARS) return false;
  for (unsigned i = 0; i < CID_CHARS; i++) {
    char ch = cid[i];
    if (ch >= 'A' && ch <= 'F') *upper = true;
    else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return !*upper;
}

/* ---- the envelope ---------------------------------------------------------------- */

static rpc_msg *analyse(packet_info *pinfo, const sbx_ctx *ctx, char t, const char *cid,
                        const char *method) {
  rpc_msg *m = wmem_new0(wmem_file_scope(), rpc_msg);
  call_key probe = {.conv = ctx->conv};
  memcpy(probe.cid, cid, CID_CHARS);
  if (t == 'r') {
    rpc_call *c = wmem_new0(wmem_file_scope(), rpc_call);
    c->req_frame = pinfo->num;
    c->req_time = pinfo->abs_ts;
    c->method = method ? wmem_strdup(wmem_file_scope(), method) : NULL;
    call_key *k = wmem_new(wmem_file_scope(), call_key);
    *k = probe;
    wmem_map_insert(calls, k, c);
    m->call = c;
  } else {
    rpc_call *c = wmem_map_lookup(calls, &probe);
    m->is_response = true;
    if (c && !c->resp_frame && c->req_frame != pinfo->num) {
      c->resp_frame = pinfo->num;
      c->resp_time = pinfo->abs_ts;
      m->call = c;
    } else if (c && c->resp_frame) {
      m->call = c; /* a second answer: still show what it answers */
    } else {
      m->unmatched = true;
    }
  }
  return m;
}

static void dissect_envelope(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                             sbrpc_channel channel, const uint8_t frame_id[16], const sbx_ctx *ctx);

void sbrpc_dissect_envelope(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                            sbrpc_channel channel, const uint8_t frame_id[16],
                            const sbx_ctx *ctx) {
  const char *saved = pinfo->current_proto;
  pinfo->current_proto = "SBRPC";
  dissect_envelope(tvb, pinfo, tree, channel, frame_id, ctx);
  pinfo->current_proto = saved;
}

static void dissect_envelope(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                             sbrpc_channel channel, const uint8_t frame_id[16], const sbx_ctx *ctx) {
  guint len = tvb_captured_length(tvb);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "SBRPC");
  proto_item *ti = proto_tree_add_item(tree, proto_sbrpc, tvb, 0, -1, ENC_NA);
  proto_tree *st = proto_item_add_subtree(ti, ett_sbrpc);
  const guint8 *raw = tvb_get_ptr(tvb, 0, len);
  char *text = wmem_strndup(pinfo->pool, (const char *)raw, len);
  jsmntok_t *tok = NULL;
  int n = 0;
  if (!g_utf8_validate(text, (gssize)len, NULL) || !sbx_json_tokens(pinfo->pool, text, len, &tok, &n)) {
    expert_add_info(pinfo, ti, &ei_not_json);
    col_append_str(pinfo->cinfo, COL_INFO, " (invalid RPC envelope)");
    return;
  }
  if (tok[0].type != JSMN_OBJECT) {
    expert_add_info(pinfo, ti, &ei_not_object);
    col_append_str(pinfo->cinfo, COL_INFO, " (invalid RPC envelope)");
    return;
  }
  members mb;
  collect(text, tok, n, &mb);
  char *ts = mb.t >= 0 ? tok_string(pinfo, text, &tok[mb.t]) : NULL;
  char t = ts && strlen(ts) == 1 && strchr("rREN", ts[0]) ? ts[0] : 0;
  if (!t) {
    expert_add_info_format(pinfo, ti, &ei_bad_t,
                           "Member t is %s, not one of \"r\", \"R\", \"E\", \"N\" (RPC-ENV-008: InvalidEnvelope 1100)",
                           mb.t < 0 ? "missing" : "invalid");
    col_append_str(pinfo->cinfo, COL_INFO, " (invalid RPC envelope)");
    return;
  }
  int s, l;
  tok_span(&tok[mb.t], &s, &l);
  proto_item *tit = proto_tree_add_uint(st, hf_t, tvb, s, l, (guint32)t);
  if ((channel == SBRPC_CHANNEL_RPC && t == 'N') || (channel == SBRPC_CHANNEL_EVENT && t != 'N'))
    expert_add_info_format(pinfo, tit, &ei_channel,
                           "%s on subject %s: r/R/E belong on rpc, N on event (RPC-CH-001; dropped, RPC-CH-002)",
                           val_to_str_const((guint32)t, t_vals, "?"),
                           channel == SBRPC_CHANNEL_RPC ? "rpc" : "event");
  /* Members. */
  const char *cid = NULL, *method = NULL;
  bool upper = false;
  if (t != 'N') {
    if (mb.cid < 0 || !(cid = tok_string(pinfo, text, &tok[mb.cid]))) {
      expert_add_info_format(pinfo, tit, &ei_missing,
                             "%s without a string cid (RPC-ENV-00%c: InvalidEnvelope 1100)",
                             val_to_str_const((guint32)t, t_vals, "?"), t == 'r' ? '3' : t == 'R' ? '4' : '5');
    } else {
      tok_span(&tok[mb.cid], &s, &l);
      proto_item *ci = proto_tree_add_string(st, hf_cid, tvb, s, l, cid);
      if (!cid_valid(cid, &upper)) {
        expert_add_info_format(pinfo, ci, &ei_bad_cid,
                               "cid is %s: a cid is 32 lower-case hex characters (RPC-ENV-007: InvalidEnvelope 1100)",
                               upper ? "upper-case" : "not 32 hex characters");
        cid = NULL;
      } else if (t == 'r' && frame_id) {
        char idhex[CID_CHARS + 1];
        for (unsigned i = 0; i < 16; i++) g_snprintf(idhex + 2 * i, 3, "%02x", frame_id[i]);
        if (strcmp(idhex, cid) != 0)
          expert_add_info_format(pinfo, ci, &ei_cid_frame,
                                 "Request cid differs from the carrying frame ID %s (RPC-CID-001)", idhex);
      }
    }
  }
  switch (t) {
    case 'r':
      if (mb.m >= 0 && (method = tok_string(pinfo, text, &tok[mb.m])) != NULL) {
        tok_span(&tok[mb.m], &s, &l);
        proto_tree_add_string(st, hf_method, tvb, s, l, method);
      } else {
        expert_add_info_format(pinfo, tit, &ei_missing,
                               "Request without a string m (RPC-ENV-003: InvalidEnvelope 1100)");
      }
      if (mb.p >= 0) add_value(tvb, pinfo, st, hf_params, text, &tok[mb.p]);
      break;
    case 'R':
      if (mb.result >= 0) add_value(tvb, pinfo, st, hf_result, text, &tok[mb.result]);
      break;
    case 'E': {
      const char *msg = NULL;
      if (mb.code >= 0 && tok[mb.code].type == JSMN_PRIMITIVE) {
        char *num = wmem_strndup(pinfo->pool, text + tok[mb.code].start,
                                 (size_t)(tok[mb.code].end - tok[mb.code].start));
        char *end = NULL;
        double v = g_ascii_strtod(num, &end);
        tok_span(&tok[mb.code], &s, &l);
        if (end && *end == '\0' && end != num && isfinite(v) && v == floor(v) && fabs(v) < 9.0e15) {
          proto_item *ci = proto_tree_add_int64(st, hf_err_code, tvb, s, l, (gint64)v);
          const char *name = v >= 0 && v < 65536 ? try_val_to_str((guint32)v, code_vals) : NULL;
          if (!name && v > 2000) name = "application error";
          if (name) {
            proto_item *ni = proto_tree_add_string(st, hf_err_name, tvb, s, l, name);
            proto_item_set_generated(ni);
          }
          expert_add_info_format(pinfo, ci, &ei_rpc_error, "RPC error %.0f%s%s%s", v,
                                 name ? " (" : "", name ? name : "", name ? ")" : "");
        } else if (!(end && *end == '\0' && end != num)) {
          expert_add_info_format(pinfo, tit, &ei_missing,
                                 "Error whose code is not a number (RPC-ENV-005: InvalidEnvelope 1100)");
        } else {
          expert_add_info_format(pinfo, tit, &ei_code,
                                 "Error code %s is not an integer (rpc.md open point: codes are integers in practice)",
                                 num);
        }
      } else {
        expert_add_info_format(pinfo, tit, &ei_missing,
                               "Error without a numeric code (RPC-ENV-005: InvalidEnvelope 1100)");
      }
      if (mb.message >= 0 && (msg = tok_string(pinfo, text, &tok[mb.message])) != NULL) {
        tok_span(&tok[mb.message], &s, &l);
        proto_tree_add_string(st, hf_err_message, tvb, s, l, msg);
      } else {
        expert_add_info_format(pinfo, tit, &ei_missing,
                               "Error without a string message (RPC-ENV-005: InvalidEnvelope 1100)");
      }
      if (mb.data >= 0) add_value(tvb, pinfo, st, hf_err_data, text, &tok[mb.data]);
      break;
    }
    default: { /* 'N' */
      const char *e = mb.e >= 0 ? tok_string(pinfo, text, &tok[mb.e]) : NULL;
      if (e) {
        tok_span(&tok[mb.e], &s, &l);
        proto_tree_add_string(st, hf_event, tvb, s, l, e);
        col_append_fstr(pinfo->cinfo, COL_INFO, " Event %s", format_text(pinfo->pool, (const guchar *)e, strlen(e)));
      } else {
        expert_add_info_format(pinfo, tit, &ei_missing,
                               "Notification without a string e (RPC-ENV-006: InvalidEnvelope 1100)");
        col_append_str(pinfo->cinfo, COL_INFO, " Event (no name)");
      }
      if (mb.d >= 0) add_value(tvb, pinfo, st, hf_event_data, text, &tok[mb.d]);
      return; /* notifications have no correlation (EVT-002) */
    }
  }
  /* Correlation (first pass), shown the same on every pass. */
  rpc_msg *rm = p_get_proto_data(wmem_file_scope(), pinfo, proto_sbrpc, ctx->msg);
  if (!rm && cid) {
    rm = analyse(pinfo, ctx, t, cid, method);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_sbrpc, ctx->msg, rm);
  }
  const char *label = t == 'r' ? "request" : t == 'R' ? "success" : "error";
  const char *m_name = t == 'r' ? method : (rm && rm->call ? rm->call->method : NULL);
  col_append_fstr(pinfo->cinfo, COL_INFO, " RPC %s %s", label,
                  m_name ? format_text(pinfo->pool, (const guchar *)m_name, strlen(m_name)) : "?");
  proto_item_append_text(ti, ", %s %s", label, m_name ? m_name : "");
  if (!rm) return;
  proto_item *it;
  if (!rm->is_response && rm->call && rm->call->resp_frame) {
    it = proto_tree_add_uint(st, hf_response_in, tvb, 0, 0, rm->call->resp_frame);
    proto_item_set_generated(it);
  } else if (rm->is_response && rm->call) {
    it = proto_tree_add_uint(st, hf_response_to, tvb, 0, 0, rm->call->req_frame);
    proto_item_set_generated(it);
    if (rm->call->method) {
      it = proto_tree_add_string(st, hf_req_method, tvb, 0, 0, rm->call->method);
      proto_item_set_generated(it);
    }
    if (rm->call->resp_frame == pinfo->num) {
      nstime_t delta;
      nstime_delta(&delta, &rm->call->resp_time, &rm->call->req_time);
      it = proto_tree_add_time(st, hf_time, tvb, 0, 0, &delta);
      proto_item_set_generated(it);
    }
  } else if (rm->unmatched) {
    expert_add_info(pinfo, ti, &ei_unmatched);
  }
}

static int dissect_sbrpc(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data) {
  const sbx_ctx *given = data;
  sbx_ctx ctx = {0};
  if (given) ctx = *given;
  else ctx.msg = sbx_next_message_index(pinfo);
  sbrpc_dissect_envelope(tvb, pinfo, tree, SBRPC_CHANNEL_RPC, NULL, &ctx);
  return (int)tvb_captured_length(tvb);
}

static void sbrpc_init(void) { calls = wmem_map_new(wmem_file_scope(), call_hash, call_equal); }

void sbrpc_register(void) {
  static hf_register_info hf[] = {
      {&hf_t, {"Type", "sbrpc.t", FT_CHAR, BASE_HEX, VALS(t_vals), 0, "Envelope discriminant t", HFILL}},
      {&hf_method, {"Method", "sbrpc.method", FT_STRING, BASE_NONE, NULL, 0, "m", HFILL}},
      {&hf_cid, {"Correlation ID", "sbrpc.cid", FT_STRING, BASE_NONE, NULL, 0, "cid: the request's frame ID", HFILL}},
      {&hf_params, {"Params", "sbrpc.params", FT_STRING, BASE_NONE, NULL, 0, "p (JSON)", HFILL}},
      {&hf_result, {"Result", "sbrpc.result", FT_STRING, BASE_NONE, NULL, 0, "result (JSON)", HFILL}},
      {&hf_err_code, {"Error code", "sbrpc.error.code", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL}},
      {&hf_err_name, {"Error name", "sbrpc.error.name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_err_message, {"Error message", "sbrpc.error.message", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_err_data, {"Error data", "sbrpc.error.data", FT_STRING, BASE_NONE, NULL, 0, "data (JSON)", HFILL}},
      {&hf_event, {"Event", "sbrpc.event", FT_STRING, BASE_NONE, NULL, 0, "e", HFILL}},
      {&hf_event_data, {"Event data", "sbrpc.event_data", FT_STRING, BASE_NONE, NULL, 0, "d (JSON)", HFILL}},
      {&hf_response_in, {"Response in", "sbrpc.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL}},
      {&hf_response_to, {"Request in", "sbrpc.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL}},
      {&hf_time, {"Time", "sbrpc.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, "Time between request and response", HFILL}},
      {&hf_req_method, {"Request method", "sbrpc.request_method", FT_STRING, BASE_NONE, NULL, 0, "Method of the request this answers", HFILL}},
  };
  static gint *ett[] = {&ett_sbrpc, &ett_value};
  static ei_register_info ei[] = {
      {&ei_not_json, {"sbrpc.not_json", PI_PROTOCOL, PI_ERROR, "Envelope is not one UTF-8 JSON text (RPC-ENV-001, RPC-ENV-008: InvalidEnvelope 1100)", EXPFILL}},
      {&ei_not_object, {"sbrpc.not_object", PI_PROTOCOL, PI_ERROR, "Envelope is not a JSON object (RPC-ENV-008: InvalidEnvelope 1100)", EXPFILL}},
      {&ei_bad_t, {"sbrpc.bad_t", PI_PROTOCOL, PI_ERROR, "Missing or unknown t (RPC-ENV-008)", EXPFILL}},
      {&ei_missing, {"sbrpc.missing_member", PI_PROTOCOL, PI_ERROR, "Required member missing or of the wrong type (RPC-ENV-003..006)", EXPFILL}},
      {&ei_bad_cid, {"sbrpc.bad_cid", PI_PROTOCOL, PI_ERROR, "cid is not 32 lower-case hex characters (RPC-ENV-007)", EXPFILL}},
      {&ei_channel, {"sbrpc.channel_mismatch", PI_PROTOCOL, PI_WARN, "Envelope type not allowed on this subject (RPC-CH-001)", EXPFILL}},
      {&ei_cid_frame, {"sbrpc.cid_not_frame_id", PI_PROTOCOL, PI_WARN, "Request cid differs from its frame ID (RPC-CID-001)", EXPFILL}},
      {&ei_unmatched, {"sbrpc.unmatched_response", PI_SEQUENCE, PI_NOTE, "No request with this cid on this connection (RPC-CID-008: ignored by the Peer SDK)", EXPFILL}},
      {&ei_code, {"sbrpc.code_not_integer", PI_PROTOCOL, PI_NOTE, "Error code is not an integer", EXPFILL}},
      {&ei_rpc_error, {"sbrpc.error_response", PI_RESPONSE_CODE, PI_NOTE, "RPC error response", EXPFILL}},
  };
  proto_sbrpc = proto_register_protocol("Sideband RPC", "SBRPC", "sbrpc");
  proto_register_field_array(proto_sbrpc, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  expert_module_t *em = expert_register_protocol(proto_sbrpc);
  expert_register_field_array(em, ei, array_length(ei));
  register_dissector("sbrpc", dissect_sbrpc, proto_sbrpc);
  register_init_routine(sbrpc_init);
}

void sbrpc_handoff(void) { json_handle = find_dissector("json"); }
