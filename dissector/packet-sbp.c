/*
 * SBP, the Sideband Protocol framing (../shared/spec/sbp.md): one frame per
 * message, little-endian integers:
 *
 *   kind u8 | flags u8 | frameId 16 | [timestamp i64 ms if flags & 1] | payload
 *   Control  op u8 | data            Message  subjectLen u32 | subject | data
 *   Ack      ackFrameId 16           Error    code u16 | msgLen u32 | message | details
 *
 * Reached from packet-sbrp.c (the plaintext of a decrypted Data frame), from
 * the `sbp_ws` heuristic (plain SBP over WebSocket, no relay), the WebSocket
 * subprotocol `sideband.v1` and Decode As (ws.port). Message data on the
 * subjects `rpc` and `event` goes to packet-sbrpc.c; the handshake JSON to
 * Wireshark's JSON dissector.
 */
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include <inttypes.h>
#include <string.h>
#include <epan/strutil.h>
#include <wsutil/wsjson.h>

#include "sbrp-plugin.h"

#define FRAME_ID 16u
#define MIN_FRAME 18u

void proto_register_sbp(void);

static int proto_sbp = -1;

static int hf_kind = -1, hf_flags = -1, hf_flag_ts = -1, hf_flag_reserved = -1, hf_frame_id = -1,
           hf_timestamp = -1;
static int hf_op = -1, hf_control_data = -1, hf_handshake = -1, hf_hs_protocol = -1,
           hf_hs_version = -1, hf_hs_peer_id = -1, hf_close_reason = -1;
static int hf_subject_len = -1, hf_subject = -1, hf_data = -1;
static int hf_ack_id = -1, hf_ack_frame_in = -1;
static int hf_err_code = -1, hf_err_msg_len = -1, hf_err_msg = -1, hf_err_details = -1,
           hf_err_frame_in = -1;
static int hf_encrypted = -1, hf_session = -1;

static gint ett_sbp = -1, ett_flags = -1, ett_handshake = -1;

static expert_field ei_short = EI_INIT, ei_reserved_flags = EI_INIT, ei_ts_short = EI_INIT,
                    ei_unknown_kind = EI_INIT, ei_control_empty = EI_INIT,
                    ei_unknown_op = EI_INIT, ei_handshake_empty = EI_INIT,
                    ei_pingpong_data = EI_INIT, ei_handshake_json = EI_INIT,
                    ei_handshake_field = EI_INIT, ei_handshake_version = EI_INIT,
                    ei_no_subject = EI_INIT, ei_subject_truncated = EI_INIT,
                    ei_subject_empty = EI_INIT, ei_subject_long = EI_INIT,
                    ei_subject_utf8 = EI_INIT, ei_subject_namespace = EI_INIT,
                    ei_subject_reserved = EI_INIT, ei_ack_size = EI_INIT,
                    ei_error_short = EI_INIT, ei_error_msg_truncated = EI_INIT,
                    ei_error_utf8 = EI_INIT, ei_before_handshake = EI_INIT;

static dissector_handle_t json_handle, sbp_handle;

static const value_string kind_vals[] = {
    {0, "Control"}, {1, "Message"}, {2, "Ack"}, {3, "Error"}, {0, NULL}};
static const value_string op_vals[] = {
    {0, "Handshake"}, {1, "Ping"}, {2, "Pong"}, {3, "Close"}, {0, NULL}};
static const value_string err_vals[] = {{1000, "ProtocolViolation"},
                                        {1001, "UnsupportedVersion"},
                                        {1002, "InvalidFrame"},
                                        {1003, "UnsupportedFeature"},
                                        {2000, "ApplicationError"},
                                        {0, NULL}};

static int *const flag_fields[] = {&hf_flag_ts, &hf_flag_reserved, NULL};

/* ---- first-pass state -------------------------------------------------------- */

/* (conversation, frameId) -> first frame that carried it; (conv, session, direction) ->
 * a Handshake was seen. Both file scope. */
typedef struct id_key {
  guint32 conv;
  guint8 id[FRAME_ID];
} id_key;

typedef struct stream_key {
  guint32 conv;
  guint32 dir;
  guint64 sid;
} stream_key;

typedef struct sbp_msg {
  bool before_handshake;
  guint32 ref_frame; /* Ack / Error: the frame that carried the referenced id */
} sbp_msg;

static wmem_map_t *frame_ids, *handshakes;

static guint id_hash(gconstpointer p) {
  const id_key *k = p;
  guint h = k->conv;
  for (unsigned i = 0; i < FRAME_ID; i++) h = h * 31u + k->id[i];
  return h;
}

static gboolean id_equal(gconstpointer a, gconstpointer b) {
  const id_key *x = a, *y = b;
  return x->conv == y->conv && memcmp(x->id, y->id, FRAME_ID) == 0;
}

static guint stream_hash(gconstpointer p) {
  const stream_key *k = p;
  return (guint)(k->sid ^ (k->sid >> 32)) * 31u + k->conv * 7u + k->dir;
}

static gboolean stream_equal(gconstpointer a, gconstpointer b) {
  const stream_key *x = a, *y = b;
  return x->conv == y->conv && x->dir == y->dir && x->sid == y->sid;
}

static sbp_msg *analyse(tvbuff_t *tvb, packet_info *pinfo, const sbx_ctx *ctx, guint len) {
  sbp_msg *m = wmem_new0(wmem_file_scope(), sbp_msg);
  if (len < MIN_FRAME) return m;
  guint8 kind = tvb_get_guint8(tvb, 0);
  guint8 flags = tvb_get_guint8(tvb, 1);
  guint off = MIN_FRAME + ((flags & 1) ? 8u : 0u);
  id_key probe = {.conv = ctx->conv};
  tvb_memcpy(tvb, probe.id, 2, FRAME_ID);
  if (kind != 3 && !wmem_map_lookup(frame_ids, &probe)) { /* Error frames reuse ids */
    id_key *k = wmem_new(wmem_file_scope(), id_key);
    *k = probe;
    wmem_map_insert(frame_ids, k, GUINT_TO_POINTER(pinfo->num));
  }
  if (kind == 2 && len >= off + FRAME_ID) {
    tvb_memcpy(tvb, probe.id, off, FRAME_ID);
    m->ref_frame = GPOINTER_TO_UINT(wmem_map_lookup(frame_ids, &probe));
  } else if (kind == 3) {
    m->ref_frame = GPOINTER_TO_UINT(wmem_map_lookup(frame_ids, &probe));
  }
  if (ctx->direction) {
    /* One SBP link per session inside SBRP (it outlives a daemon's reconnect and is seen
     * on both relay legs), one per connection for plain SBP. */
    stream_key sk = {ctx->encrypted ? 0 : ctx->conv, ctx->direction, ctx->session_id};
    bool seen = wmem_map_lookup(handshakes, &sk) != NULL;
    bool is_hs = kind == 0 && len > off && tvb_get_guint8(tvb, off) == 0;
    m->before_handshake = !seen && !is_hs;
    if (!seen && is_hs) {
      stream_key *k = wmem_new(wmem_file_scope(), stream_key);
      *k = sk;
      wmem_map_insert(handshakes, k, GUINT_TO_POINTER(1));
    }
  }
  return m;
}

/* ---- pieces ------------------------------------------------------------------------ */

static bool utf8_ok(tvbuff_t *tvb, guint off, guint len) {
  if (len == 0) return true;
  const char *p = (const char *)tvb_get_ptr(tvb, off, len);
  return g_utf8_validate(p, (gssize)len, NULL);
}

/* Hand a JSON text to Wireshark's JSON dissector without letting it take the columns. */
static void call_json(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree) {
  if (!json_handle || !tree) return;
  col_set_writable(pinfo->cinfo, -1, FALSE);
  call_dissector_only(json_handle, tvb, pinfo, tree, NULL);
  col_set_writable(pinfo->cinfo, -1, TRUE);
}

/* A string member of a handshake JSON object, unescaped into packet scope (invalid UTF-8
 * from escapes replaced by U+FFFD), or NULL. json_get_string() writes into `buf`. */
static char *json_member(packet_info *pinfo, char *buf, jsmntok_t *obj, const char *name) {
  char *s = json_get_string(buf, obj, name);
  if (!s) return NULL;
  char *valid = g_utf8_make_valid(s, -1);
  char *out = wmem_strdup(pinfo->pool, valid);
  g_free(valid);
  return out;
}

static void dissect_handshake(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree *st,
                              guint off, guint dlen) {
  proto_item *hi = proto_tree_add_item(st, hf_handshake, tvb, off, dlen, ENC_UTF_8);
  proto_tree *ht = proto_item_add_subtree(hi, ett_handshake);
  if (!utf8_ok(tvb, off, dlen)) {
    expert_add_info_format(pinfo, hi, &ei_handshake_json,
                           "Handshake payload is not valid UTF-8 (SBP-VAL-003, InvalidFrame 1002)");
    return;
  }
  char *text = wmem_strndup(pinfo->pool, (const char *)tvb_get_ptr(tvb, off, dlen), dlen);
  jsmntok_t *tok = NULL;
  int n = 0;
  if (!sbx_json_tokens(pinfo->pool, text, dlen, &tok, &n)) {
    expert_add_info_format(pinfo, hi, &ei_handshake_json,
                           "Handshake payload is not a JSON text (SBP-HS-004, InvalidFrame 1002)");
    return;
  }
  if (tok[0].type != JSMN_OBJECT) {
    expert_add_info_format(pinfo, hi, &ei_handshake_field,
                           "Handshake payload is not a JSON object (SBP-HS-004, InvalidFrame 1002)");
    return;
  }
  char *copy = wmem_strdup(pinfo->pool, text);
  const char *protocol = json_member(pinfo, copy, tok, "protocol");
  copy = wmem_strdup(pinfo->pool, text);
  const char *version = json_member(pinfo, copy, tok, "version");
  copy = wmem_strdup(pinfo->pool, text);
  const char *peer = json_member(pinfo, copy, tok, "peerId");
  proto_item *it;
  if (protocol) {
    it = proto_tree_add_string(ht, hf_hs_protocol, tvb, off, dlen, protocol);
    proto_item_set_generated(it);
  }
  if (version) {
    it = proto_tree_add_string(ht, hf_hs_version, tvb, off, dlen, version);
    proto_item_set_generated(it);
  }
  if (peer) {
    it = proto_tree_add_string(ht, hf_hs_peer_id, tvb, off, dlen, peer);
    proto_item_set_generated(it);
    col_append_fstr(pinfo->cinfo, COL_INFO, " peerId=%s", format_text(pinfo->pool, (const guchar *)peer, strlen(peer)));
  }
  if (!protocol || !version || !peer)
    expert_add_info_format(pinfo, hi, &ei_handshake_field,
                           "Handshake lacks a string %s (SBP-HS-004, InvalidFrame 1002)",
                           !protocol ? "protocol" : !version ? "version" : "peerId");
  else if (strcmp(protocol, "sideband") != 0 || strcmp(version, "1") != 0)
    expert_add_info_format(pinfo, hi, &ei_handshake_version,
                           "Handshake asks for %s/%s, not sideband/1 (SBP-HS-003, UnsupportedVersion 1001)",
                           protocol, version);
  call_json(tvb_new_subset_length(tvb, off, (gint)dlen), pinfo, tree);
}

static void dissect_control(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree *st,
                            proto_item *ti, guint off, guint len) {
  if (len <= off) {
    expert_add_info(pinfo, ti, &ei_control_empty);
    col_append_str(pinfo->cinfo, COL_INFO, " Control (empty)");
    return;
  }
  guint8 op = tvb_get_guint8(tvb, off);
  proto_item *oi = proto_tree_add_item(st, hf_op, tvb, off, 1, ENC_NA);
  guint doff = off + 1, dlen = len - doff;
  const char *name = try_val_to_str(op, op_vals);
  col_append_fstr(pinfo->cinfo, COL_INFO, " %s", name ? name : "Control (unknown op)");
  switch (op) {
    case 0:
      if (dlen == 0) expert_add_info(pinfo, oi, &ei_handshake_empty);
      else dissect_handshake(tvb, pinfo, tree, st, doff, dlen);
      break;
    case 1:
    case 2:
      if (dlen) {
        proto_tree_add_item(st, hf_control_data, tvb, doff, dlen, ENC_NA);
        expert_add_info(pinfo, oi, &ei_pingpong_data);
      }
      break;
    case 3:
      if (dlen) {
        proto_tree_add_item(st, hf_close_reason, tvb, doff, dlen, ENC_UTF_8);
        col_append_fstr(pinfo->cinfo, COL_INFO, " \"%s\"",
                        tvb_format_text(pinfo->pool, tvb, doff, MIN(dlen, 48u)));
      }
      break;
    default:
      expert_add_info_format(pinfo, oi, &ei_unknown_op,
                             "Unknown control op %u (SBP-CTL-005, InvalidFrame 1002)", op);
      if (dlen) proto_tree_add_item(st, hf_control_data, tvb, doff, dlen, ENC_NA);
      break;
  }
}

static void dissect_message_kind(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                 proto_tree *st, proto_item *ti, guint off, guint len,
                                 const sbx_ctx *ctx) {
  if (len - off < 4) {
    expert_add_info(pinfo, ti, &ei_no_subject);
    col_append_str(pinfo->cinfo, COL_INFO, " Message (no subject)");
    return;
  }
  guint32 slen = tvb_get_letohl(tvb, off);
  proto_item *li = proto_tree_add_item(st, hf_subject_len, tvb, off, 4, ENC_LITTLE_ENDIAN);
  off += 4;
  if (slen > len - off) {
    expert_add_info_format(pinfo, li, &ei_subject_truncated,
                           "subjectLen %u but only %u bytes follow (SBP-MSG-002, InvalidFrame 1002)",
                           slen, len - off);
    col_append_str(pinfo->cinfo, COL_INFO, " Message (truncated subject)");
    return;
  }
  proto_item *si = proto_tree_add_item(st, hf_subject, tvb, off, slen, ENC_UTF_8);
  const guint8 *subj = slen ? tvb_get_ptr(tvb, off, slen) : NULL;
  bool rpc = slen == 3 && memcmp(subj, "rpc", 3) == 0;
  bool event = slen == 5 && memcmp(subj, "event", 5) == 0;
  bool stream = slen == 6 && memcmp(subj, "stream", 6) == 0;
  bool app = slen >= 4 && memcmp(subj, "app/", 4) == 0;
  if (slen == 0 || memchr(subj, 0, slen))
    expert_add_info_format(pinfo, si, &ei_subject_empty,
                           "Subject is empty or contains NUL (SBP-SUBJ-001, InvalidFrame 1002)");
  else if (!utf8_ok(tvb, off, slen))
    expert_add_info(pinfo, si, &ei_subject_utf8);
  else if (slen > 256)
    expert_add_info_format(pinfo, si, &ei_subject_long,
                           "Subject is %u UTF-8 bytes, the limit is 256 (SBP-SUBJ-002)", slen);
  else if (stream)
    expert_add_info(pinfo, si, &ei_subject_reserved);
  else if (!rpc && !event && !app)
    expert_add_info(pinfo, si, &ei_subject_namespace);
  off += slen;
  guint dlen = len - off;
  if (!((rpc || event) && dlen)) /* else the envelope names itself ("RPC request m", "Event e") */
    col_append_fstr(pinfo->cinfo, COL_INFO, " Message %s",
                    tvb_format_text(pinfo->pool, tvb, off - slen, MIN(slen, 40u)));
  if (dlen) proto_tree_add_item(st, hf_data, tvb, off, dlen, ENC_NA);
  if ((rpc || event) && dlen) {
    guint8 id[FRAME_ID];
    tvb_memcpy(tvb, id, 2, FRAME_ID);
    sbrpc_dissect_envelope(tvb_new_subset_length(tvb, off, (gint)dlen), pinfo, tree,
                           rpc ? SBRPC_CHANNEL_RPC : SBRPC_CHANNEL_EVENT, id, ctx);
  }
}

static void add_ref(proto_tree *st, int hf, tvbuff_t *tvb, guint32 frame) {
  if (!frame) return;
  proto_item *it = proto_tree_add_uint(st, hf, tvb, 0, 0, frame);
  proto_item_set_generated(it);
}

static int dissect_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sbx_ctx *ctx);

int sbp_dissect_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sbx_ctx *ctx) {
  const char *saved = pinfo->current_proto;
  pinfo->current_proto = "SBP";
  int n = dissect_frame(tvb, pinfo, tree, ctx);
  pinfo->current_proto = saved;
  return n;
}

static int dissect_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sbx_ctx *ctx) {
  guint len = tvb_captured_length(tvb);
  sbp_msg *m = p_get_proto_data(wmem_file_scope(), pinfo, proto_sbp, ctx->msg);
  if (!m) {
    m = analyse(tvb, pinfo, ctx, len);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_sbp, ctx->msg, m);
  }
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "SBP");
  if (!ctx->encrypted) col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "SBP");
  else col_append_str(pinfo->cinfo, COL_INFO, ":");
  proto_item *ti = proto_tree_add_item(tree, proto_sbp, tvb, 0, -1, ENC_NA);
  proto_tree *st = proto_item_add_subtree(ti, ett_sbp);
  proto_item *it;
  if (ctx->encrypted) {
    it = proto_tree_add_boolean(st, hf_encrypted, tvb, 0, 0, TRUE);
    proto_item_set_generated(it);
    it = proto_tree_add_uint64(st, hf_session, tvb, 0, 0, ctx->session_id);
    proto_item_set_generated(it);
  }
  if (len < 2) {
    expert_add_info_format(pinfo, ti, &ei_short,
                           "Frame of %u bytes is shorter than 18 (SBP-WIRE-009, InvalidFrame 1002)", len);
    col_append_str(pinfo->cinfo, COL_INFO, " (too short)");
    return (int)len;
  }
  guint8 kind = tvb_get_guint8(tvb, 0);
  guint8 flags = tvb_get_guint8(tvb, 1);
  proto_item *ki = proto_tree_add_item(st, hf_kind, tvb, 0, 1, ENC_NA);
  proto_item *fi = proto_tree_add_bitmask(st, tvb, 1, hf_flags, ett_flags, flag_fields, ENC_NA);
  if (flags & 0xFEu)
    expert_add_info_format(pinfo, fi, &ei_reserved_flags,
                           "Reserved flag bits set (0x%02x) (SBP-WIRE-005, InvalidFrame 1002)", flags & 0xFEu);
  if (len < MIN_FRAME) {
    expert_add_info_format(pinfo, ti, &ei_short,
                           "Frame of %u bytes is shorter than 18 (SBP-WIRE-009, InvalidFrame 1002)", len);
    col_append_str(pinfo->cinfo, COL_INFO, " (too short)");
    return (int)len;
  }
  proto_tree_add_item(st, hf_frame_id, tvb, 2, FRAME_ID, ENC_NA);
  guint off = MIN_FRAME;
  if (flags & 1u) {
    if (len < MIN_FRAME + 8) {
      expert_add_info(pinfo, fi, &ei_ts_short);
      col_append_str(pinfo->cinfo, COL_INFO, " (timestamp truncated)");
      return (int)len;
    }
    gint64 ms = (gint64)tvb_get_letoh64(tvb, off);
    nstime_t ts;
    ts.secs = (time_t)(ms / 1000);
    ts.nsecs = (int)((ms % 1000) * 1000000);
    if (ts.nsecs < 0) {
      ts.secs -= 1;
      ts.nsecs += 1000000000;
    }
    proto_tree_add_time(st, hf_timestamp, tvb, off, 8, &ts);
    off += 8;
  }
  if (m->before_handshake)
    expert_add_info(pinfo, ki, &ei_before_handshake);
  switch (kind) {
    case 0: dissect_control(tvb, pinfo, tree, st, ti, off, len); break;
    case 1: dissect_message_kind(tvb, pinfo, tree, st, ti, off, len, ctx); break;
    case 2:
      col_append_str(pinfo->cinfo, COL_INFO, " Ack");
      if (len - off != FRAME_ID) {
        expert_add_info_format(pinfo, ti, &ei_ack_size,
                               "Ack payload is %u bytes, must be 16 (SBP-ACK-001, InvalidFrame 1002)",
                               len - off);
        if (len - off < FRAME_ID) break;
      }
      proto_tree_add_item(st, hf_ack_id, tvb, off, FRAME_ID, ENC_NA);
      add_ref(st, hf_ack_frame_in, tvb, m->ref_frame);
      if (len - off > FRAME_ID) proto_tree_add_item(st, hf_data, tvb, off + FRAME_ID, len - off - FRAME_ID, ENC_NA);
      break;
    case 3: {
      if (len - off < 6) {
        expert_add_info(pinfo, ti, &ei_error_short);
        col_append_str(pinfo->cinfo, COL_INFO, " Error (truncated)");
        break;
      }
      guint16 code = tvb_get_letohs(tvb, off);
      guint32 mlen = tvb_get_letohl(tvb, off + 2);
      proto_tree_add_item(st, hf_err_code, tvb, off, 2, ENC_LITTLE_ENDIAN);
      proto_item *mi = proto_tree_add_item(st, hf_err_msg_len, tvb, off + 2, 4, ENC_LITTLE_ENDIAN);
      col_append_fstr(pinfo->cinfo, COL_INFO, " Error %u %s", code,
                      val_to_str_const(code, err_vals, code >= 2000 ? "application" : "unknown"));
      add_ref(st, hf_err_frame_in, tvb, m->ref_frame);
      off += 6;
      if (mlen > len - off) {
        expert_add_info_format(pinfo, mi, &ei_error_msg_truncated,
                               "msgLen %u but only %u bytes follow (SBP-EFR-001, InvalidFrame 1002)",
                               mlen, len - off);
        break;
      }
      proto_item *xi = proto_tree_add_item(st, hf_err_msg, tvb, off, mlen, ENC_UTF_8);
      if (!utf8_ok(tvb, off, mlen)) expert_add_info(pinfo, xi, &ei_error_utf8);
      off += mlen;
      if (len > off) proto_tree_add_item(st, hf_err_details, tvb, off, len - off, ENC_NA);
      break;
    }
    default:
      expert_add_info_format(pinfo, ki, &ei_unknown_kind,
                             "Unknown frame kind %u (SBP-WIRE-010, InvalidFrame 1002)", kind);
      col_append_str(pinfo->cinfo, COL_INFO, " Unknown kind");
      if (len > off) proto_tree_add_item(st, hf_data, tvb, off, len - off, ENC_NA);
      break;
  }
  return (int)len;
}

/* ---- the strong test for plain SBP over WebSocket ---------------------------- */

bool sbp_looks_like_frame(tvbuff_t *tvb, packet_info *pinfo) {
  guint len = tvb_captured_length(tvb);
  if (len < MIN_FRAME || len != tvb_reported_length(tvb)) return false;
  guint8 kind = tvb_get_guint8(tvb, 0), flags = tvb_get_guint8(tvb, 1);
  if (kind > 3 || flags > 1) return false;
  guint off = MIN_FRAME + (flags ? 8u : 0u);
  if (len < off) return false;
  guint rest = len - off;
  switch (kind) {
    case 0: {
      if (rest < 1) return false;
      guint8 op = tvb_get_guint8(tvb, off);
      if (op == 1 || op == 2) return rest == 1;
      if (op == 3) return rest == 1 || tvb_utf_8_isprint(tvb, off + 1, (gint)rest - 1);
      if (op != 0 || rest < 3 || rest > 65536 || tvb_get_guint8(tvb, off + 1) != '{') return false;
      const char *p = (const char *)tvb_get_ptr(tvb, off + 1, rest - 1);
      char *text = wmem_strndup(pinfo->pool, p, rest - 1);
      jsmntok_t *tok;
      int n;
      return g_strstr_len(p, rest - 1, "\"protocol\"") && g_utf8_validate(p, rest - 1, NULL) &&
             sbx_json_tokens(pinfo->pool, text, rest - 1, &tok, &n) && tok[0].type == JSMN_OBJECT;
    }
    case 1: {
      if (rest < 4) return false;
      guint32 slen = tvb_get_letohl(tvb, off);
      if (slen == 0 || slen > 256 || slen > rest - 4) return false;
      const guint8 *s = tvb_get_ptr(tvb, off + 4, slen);
      if ((slen == 3 && !memcmp(s, "rpc", 3)) || (slen == 5 && !memcmp(s, "event", 5)) ||
          (slen == 6 && !memcmp(s, "stream", 6)))
        return true;
      return slen >= 4 && !memcmp(s, "app/", 4) && tvb_utf_8_isprint(tvb, off + 4, (gint)slen);
    }
    case 2: return rest == FRAME_ID;
    default: {
      if (rest < 6) return false;
      guint16 code = tvb_get_letohs(tvb, off);
      if (code < 1000 || (code >= 1100 && code < 2000)) return false; /* SBP and app ranges */
      guint32 mlen = tvb_get_letohl(tvb, off + 2);
      return mlen <= rest - 6 && (mlen == 0 || tvb_utf_8_isprint(tvb, off + 6, (gint)mlen));
    }
  }
}

static int dissect_sbp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data) {
  const sbx_ctx *given = data;
  sbx_ctx ctx = {0};
  if (given) {
    ctx = *given;
  } else {
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    ctx.conv = conv ? conv->conv_index : 0;
    ctx.msg = sbx_next_message_index(pinfo);
    guint8 side = sbx_ws_side(pinfo);
    ctx.direction = side == 0 ? 1u : side == 1 ? 2u : 0u;
    if (ctx.msg == 0) col_clear(pinfo->cinfo, COL_INFO);
  }
  int n = sbp_dissect_frame(tvb, pinfo, tree, &ctx);
  if (!given) col_set_fence(pinfo->cinfo, COL_INFO);
  return n;
}

static void sbp_init(void) {
  frame_ids = wmem_map_new(wmem_file_scope(), id_hash, id_equal);
  handshakes = wmem_map_new(wmem_file_scope(), stream_hash, stream_equal);
}

void sbp_register(void) {
  static hf_register_info hf[] = {
      {&hf_kind, {"Kind", "sbp.kind", FT_UINT8, BASE_DEC, VALS(kind_vals), 0, "Frame kind (wire key t)", HFILL}},
      {&hf_flags, {"Flags", "sbp.flags", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL}},
      {&hf_flag_ts, {"Timestamp present", "sbp.flags.timestamp", FT_BOOLEAN, 8, NULL, 0x01, NULL, HFILL}},
      {&hf_flag_reserved, {"Reserved", "sbp.flags.reserved", FT_UINT8, BASE_HEX, NULL, 0xFE, "Must be 0 (SBP-WIRE-005)", HFILL}},
      {&hf_frame_id, {"Frame ID", "sbp.frame_id", FT_BYTES, BASE_NONE, NULL, 0, "Wire key id", HFILL}},
      {&hf_timestamp, {"Timestamp", "sbp.timestamp", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0, "Milliseconds since the Unix epoch", HFILL}},
      {&hf_op, {"Control op", "sbp.control.op", FT_UINT8, BASE_DEC, VALS(op_vals), 0, "Wire key c", HFILL}},
      {&hf_control_data, {"Control data", "sbp.control.data", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_handshake, {"Handshake", "sbp.handshake", FT_STRING, BASE_NONE, NULL, 0, "Handshake JSON", HFILL}},
      {&hf_hs_protocol, {"Protocol", "sbp.handshake.protocol", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_hs_version, {"Version", "sbp.handshake.version", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_hs_peer_id, {"Peer ID", "sbp.handshake.peer_id", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_close_reason, {"Close reason", "sbp.close.reason", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_subject_len, {"Subject length", "sbp.subject_length", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
      {&hf_subject, {"Subject", "sbp.subject", FT_STRING, BASE_NONE, NULL, 0, "Wire key s", HFILL}},
      {&hf_data, {"Data", "sbp.data", FT_BYTES, BASE_NONE, NULL, 0, "Wire key b", HFILL}},
      {&hf_ack_id, {"Acknowledged frame ID", "sbp.ack.frame_id", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_ack_frame_in, {"Acknowledged frame in", "sbp.ack.frame_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0, NULL, HFILL}},
      {&hf_err_code, {"Error code", "sbp.error.code", FT_UINT16, BASE_DEC, VALS(err_vals), 0, NULL, HFILL}},
      {&hf_err_msg_len, {"Message length", "sbp.error.message_length", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
      {&hf_err_msg, {"Message", "sbp.error.message", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_err_details, {"Details", "sbp.error.details", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_err_frame_in, {"Offending frame in", "sbp.error.frame_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, "Frame that carried this frame ID (SBP-EFR-003)", HFILL}},
      {&hf_encrypted, {"Carried in SBRP Data", "sbp.encrypted", FT_BOOLEAN, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_session, {"SBRP SessionID", "sbp.session_id", FT_UINT64, BASE_HEX, NULL, 0, NULL, HFILL}},
  };
  static gint *ett[] = {&ett_sbp, &ett_flags, &ett_handshake};
  static ei_register_info ei[] = {
      {&ei_short, {"sbp.too_short", PI_MALFORMED, PI_ERROR, "Shorter than 18 bytes (SBP-WIRE-009)", EXPFILL}},
      {&ei_reserved_flags, {"sbp.reserved_flags", PI_PROTOCOL, PI_ERROR, "Reserved flag bits set (SBP-WIRE-005)", EXPFILL}},
      {&ei_ts_short, {"sbp.timestamp_truncated", PI_MALFORMED, PI_ERROR, "Timestamp flag set but fewer than 8 bytes follow (SBP-WIRE-009, InvalidFrame 1002)", EXPFILL}},
      {&ei_unknown_kind, {"sbp.unknown_kind", PI_PROTOCOL, PI_ERROR, "Unknown frame kind (SBP-WIRE-010)", EXPFILL}},
      {&ei_control_empty, {"sbp.control_empty", PI_MALFORMED, PI_ERROR, "Control frame without op byte (SBP-CTL-001, InvalidFrame 1002)", EXPFILL}},
      {&ei_unknown_op, {"sbp.unknown_op", PI_PROTOCOL, PI_ERROR, "Unknown control op (SBP-CTL-005)", EXPFILL}},
      {&ei_handshake_empty, {"sbp.handshake_empty", PI_MALFORMED, PI_ERROR, "Handshake without data (SBP-CTL-002, InvalidFrame 1002)", EXPFILL}},
      {&ei_pingpong_data, {"sbp.pingpong_data", PI_MALFORMED, PI_ERROR, "Ping/Pong carries data (SBP-CTL-003, InvalidFrame 1002)", EXPFILL}},
      {&ei_handshake_json, {"sbp.handshake_json", PI_PROTOCOL, PI_ERROR, "Handshake payload is not JSON (SBP-HS-004)", EXPFILL}},
      {&ei_handshake_field, {"sbp.handshake_field", PI_PROTOCOL, PI_ERROR, "Handshake field missing (SBP-HS-004)", EXPFILL}},
      {&ei_handshake_version, {"sbp.handshake_version", PI_PROTOCOL, PI_ERROR, "Unsupported protocol or version (SBP-HS-003)", EXPFILL}},
      {&ei_no_subject, {"sbp.no_subject", PI_MALFORMED, PI_ERROR, "Message payload shorter than 4 bytes (SBP-MSG-001, InvalidFrame 1002)", EXPFILL}},
      {&ei_subject_truncated, {"sbp.subject_truncated", PI_MALFORMED, PI_ERROR, "Fewer bytes than subjectLen (SBP-MSG-002)", EXPFILL}},
      {&ei_subject_empty, {"sbp.subject_empty", PI_PROTOCOL, PI_ERROR, "Empty subject or NUL in it (SBP-SUBJ-001)", EXPFILL}},
      {&ei_subject_long, {"sbp.subject_too_long", PI_PROTOCOL, PI_WARN, "Subject longer than 256 bytes (SBP-SUBJ-002)", EXPFILL}},
      {&ei_subject_utf8, {"sbp.subject_utf8", PI_PROTOCOL, PI_ERROR, "Subject is not valid UTF-8 (SBP-VAL-003, InvalidFrame 1002)", EXPFILL}},
      {&ei_subject_namespace, {"sbp.subject_namespace", PI_PROTOCOL, PI_ERROR, "Subject is not rpc, event, stream or app/... (SBP-SUBJ-005: ErrorFrame 1002 \"Invalid subject namespace\")", EXPFILL}},
      {&ei_subject_reserved, {"sbp.subject_reserved", PI_PROTOCOL, PI_WARN, "Subject stream is reserved in v1 (SBP-SUBJ-006: ErrorFrame 1003)", EXPFILL}},
      {&ei_ack_size, {"sbp.ack_size", PI_MALFORMED, PI_ERROR, "Ack payload is not 16 bytes (SBP-ACK-001)", EXPFILL}},
      {&ei_error_short, {"sbp.error_short", PI_MALFORMED, PI_ERROR, "Error payload shorter than 6 bytes (SBP-EFR-001, InvalidFrame 1002)", EXPFILL}},
      {&ei_error_msg_truncated, {"sbp.error_message_truncated", PI_MALFORMED, PI_ERROR, "msgLen larger than the rest (SBP-EFR-001)", EXPFILL}},
      {&ei_error_utf8, {"sbp.error_message_utf8", PI_PROTOCOL, PI_ERROR, "Error message is not valid UTF-8 (SBP-VAL-003, InvalidFrame 1002)", EXPFILL}},
      {&ei_before_handshake, {"sbp.before_handshake", PI_SEQUENCE, PI_WARN, "Frame before the peer's Handshake (SBP-HS-001, SBP-HS-002: ProtocolViolation 1000)", EXPFILL}},
  };
  proto_sbp = proto_register_protocol("Sideband Protocol", "SBP", "sbp");
  proto_register_field_array(proto_sbp, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  expert_module_t *em = expert_register_protocol(proto_sbp);
  expert_register_field_array(em, ei, array_length(ei));
  sbp_handle = register_dissector("sbp", dissect_sbp, proto_sbp);
  register_init_routine(sbp_init);
}

void sbp_handoff(void) {
  json_handle = find_dissector("json");
  dissector_add_string("ws.protocol", "sideband.v1", sbp_handle);
  if (find_dissector_table("ws.port")) dissector_add_for_decode_as("ws.port", sbp_handle);
}
