/*
 * SBRP, the Sideband Relay Protocol (../shared/spec/sbrp.md): one frame per
 * WebSocket binary message, a 13-byte big-endian header (type, Length,
 * SessionID) and a payload per type. Data frames are decrypted with keys
 * from the key log and their plaintext, one SBP frame, is handed to
 * packet-sbp.c.
 *
 * Entry points:
 *   - heuristic `sbrp_ws` in the WebSocket table `ws`: a message is SBRP if
 *     its header is exactly consistent (defined type, Length = message
 *     length - 13, Length <= 65536, SessionID scope of the type) and its
 *     payload has the type's size and layout; once a TCP connection carried
 *     such a message, every later message on it is SBRP too (and its
 *     violations are shown);
 *   - the WebSocket subprotocol `sbrp.v1` (table ws.protocol);
 *   - Decode As: ws.port (WebSocket server port) and tcp.port (a bare TCP
 *     byte stream of frames, cut by the header's Length);
 *   - the dissector name "sbrp" (exported PDUs, user DLTs).
 *
 * Who sent a frame: the WebSocket server of an SBRP connection is the relay,
 * its client an endpoint (client frames are the masked ones); the TCP
 * conversation says which side is the server (the SYN), else the preference
 * sbrp.relay_ports. Whether an endpoint is a client or a daemon is learnt
 * from the connection's frames (HandshakeInit, HandshakeAccept, Data
 * direction, session-state Control codes).
 */
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-tcp.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sbrp-plugin.h"

#define HDR 13u
#define MAX_PAYLOAD 65536u
#define T_INIT 0x01u
#define T_ACCEPT 0x02u
#define T_DATA 0x03u
#define T_SIGNAL 0x04u
#define T_PING 0x10u
#define T_PONG 0x11u
#define T_CONTROL 0x20u
#define SEQ_WINDOW 128u
#define MAX_TRY_KEYS 8u

/* Proto data keys: messages use their index; the heuristic's decisions are kept apart. */
#define KEY_MSG_COUNTER 0x7fff0000u
#define KEY_HEUR_BASE 0x10000u

void proto_register_sbrp(void);
void proto_reg_handoff_sbrp(void);

static int proto_sbrp = -1;
static int proto_tcp = -1;

static int hf_type = -1, hf_length = -1, hf_session_id = -1, hf_payload = -1, hf_trailing = -1;
static int hf_sender = -1, hf_role = -1;
static int hf_init_key = -1, hf_accept_in = -1, hf_init_in = -1;
static int hf_acc_identity = -1, hf_acc_ephemeral = -1, hf_acc_signature = -1, hf_fingerprint = -1;
static int hf_data_nonce = -1, hf_data_direction = -1, hf_data_seq = -1, hf_data_ciphertext = -1,
           hf_data_tag = -1, hf_data_decrypted = -1, hf_data_plaintext_len = -1;
static int hf_sig_code = -1, hf_sig_reason = -1;
static int hf_ping_payload = -1, hf_pong_payload = -1, hf_pong_in = -1, hf_ping_in = -1;
static int hf_ctl_code = -1, hf_ctl_name = -1, hf_ctl_terminal = -1, hf_ctl_scope = -1,
           hf_ctl_category = -1, hf_ctl_message = -1;

static gint ett_sbrp = -1, ett_payload = -1, ett_nonce = -1, ett_control = -1;

static expert_field ei_header_short = EI_INIT, ei_too_large = EI_INIT, ei_unknown_type = EI_INIT,
                    ei_length_mismatch = EI_INIT, ei_sid_zero = EI_INIT, ei_sid_nonzero = EI_INIT,
                    ei_control_scope = EI_INIT, ei_payload_size = EI_INIT,
                    ei_ping_too_large = EI_INIT, ei_pong_mismatch = EI_INIT,
                    ei_control_from_endpoint = EI_INIT, ei_signal_from_client = EI_INIT,
                    ei_signal_from_relay = EI_INIT, ei_disallowed_sender = EI_INIT,
                    ei_signal_unknown = EI_INIT, ei_signal_ready_reason = EI_INIT,
                    ei_control_unknown = EI_INIT, ei_control_endpoint_code = EI_INIT,
                    ei_control_terminal = EI_INIT, ei_direction_invalid = EI_INIT,
                    ei_direction_sender = EI_INIT, ei_seq_repeated = EI_INIT,
                    ei_seq_backwards = EI_INIT, ei_seq_gap = EI_INIT, ei_seq_exhausted = EI_INIT,
                    ei_decrypt_failed = EI_INIT, ei_no_key = EI_INIT;

static const char *pref_keylog_file = "";
static gboolean pref_decrypt = TRUE;
static range_t *pref_relay_ports;

static dissector_handle_t sbrp_handle, sbrp_tcp_handle;

/* ---- value strings ------------------------------------------------------- */

static const value_string type_vals[] = {
    {T_INIT, "HandshakeInit"}, {T_ACCEPT, "HandshakeAccept"}, {T_DATA, "Data"},
    {T_SIGNAL, "Signal"},      {T_PING, "Ping"},              {T_PONG, "Pong"},
    {T_CONTROL, "Control"},    {0, NULL}};

static const value_string sender_vals[] = {{SBX_SENDER_UNKNOWN, "unknown"},
                                           {SBX_SENDER_CLIENT, "client"},
                                           {SBX_SENDER_DAEMON, "daemon"},
                                           {SBX_SENDER_RELAY, "relay"},
                                           {SBX_SENDER_ENDPOINT, "endpoint (client or daemon)"},
                                           {0, NULL}};

enum { ROLE_UNKNOWN = 0, ROLE_CLIENT = 1, ROLE_DAEMON = 2 };
static const value_string role_vals[] = {{ROLE_UNKNOWN, "not known yet"},
                                         {ROLE_CLIENT, "client <-> relay"},
                                         {ROLE_DAEMON, "daemon <-> relay"},
                                         {0, NULL}};

static const value_string direction_vals[] = {
    {1, "client -> daemon (c2d)"}, {2, "daemon -> client (d2c)"}, {0, NULL}};

static const value_string signal_vals[] = {{0x00, "ready"}, {0x01, "close"}, {0, NULL}};
static const value_string reason_vals[] = {{0x00, "none"},   {0x01, "state_lost"},
                                           {0x02, "shutdown"}, {0x03, "policy"},
                                           {0x04, "error"},  {0, NULL}};

/* The control-code table (sbrp.md section 7): name, terminal, SID scope. */
typedef struct ctl_row {
  guint16 code;
  const char *name;
  bool terminal;
  bool session_scope;
  bool on_wire;
  guint8 to_role; /* ROLE_CLIENT / ROLE_DAEMON when only that side receives it, else 0 */
} ctl_row;

static const ctl_row ctl_table[] = {
    {0x0101, "unauthorized", true, false, true, 0},
    {0x0102, "forbidden", true, false, true, 0},
    {0x0201, "daemon_not_found", true, true, true, ROLE_CLIENT},
    {0x0202, "daemon_offline", true, true, true, ROLE_CLIENT},
    {0x0301, "session_not_found", true, true, true, 0},
    {0x0302, "session_expired", true, true, true, ROLE_CLIENT},
    {0x0401, "malformed_frame", true, false, true, 0},
    {0x0402, "payload_too_large", true, false, true, 0},
    {0x0403, "invalid_frame_type", true, false, true, 0},
    {0x0404, "invalid_session_id", true, false, true, 0},
    {0x0405, "disallowed_sender", true, true, true, 0},
    {0x0601, "internal_error", true, false, true, 0},
    {0x0901, "rate_limited", false, false, true, 0},
    {0x0902, "backpressure", true, false, true, 0},
    {0x1001, "session_paused", false, true, true, ROLE_CLIENT},
    {0x1002, "session_resumed", false, true, true, ROLE_CLIENT},
    {0x1003, "session_ended", false, true, true, ROLE_DAEMON},
    {0x1004, "session_pending", false, true, true, ROLE_CLIENT},
    {0xE001, "identity_key_changed", true, false, false, 0},
    {0xE002, "handshake_failed", true, false, false, 0},
    {0xE003, "handshake_timeout", true, false, false, 0},
    {0xE004, "decrypt_failed", true, false, false, 0},
    {0xE005, "sequence_error", true, false, false, 0},
};

/* Value string for sbrp.control.code: "name (terminal|non-terminal, SID 0|SID = session)". */
static const value_string control_vals[] = {
    {0x0101, "unauthorized (terminal, SID 0)"},
    {0x0102, "forbidden (terminal, SID 0)"},
    {0x0201, "daemon_not_found (terminal, SID = session)"},
    {0x0202, "daemon_offline (terminal, SID = session)"},
    {0x0301, "session_not_found (terminal, SID = session)"},
    {0x0302, "session_expired (terminal, SID = session)"},
    {0x0401, "malformed_frame (terminal, SID 0)"},
    {0x0402, "payload_too_large (terminal, SID 0)"},
    {0x0403, "invalid_frame_type (terminal, SID 0)"},
    {0x0404, "invalid_session_id (terminal, SID 0)"},
    {0x0405, "disallowed_sender (terminal, SID = session)"},
    {0x0601, "internal_error (terminal, SID 0)"},
    {0x0901, "rate_limited (non-terminal, SID 0)"},
    {0x0902, "backpressure (terminal, SID 0)"},
    {0x1001, "session_paused (non-terminal, SID = session)"},
    {0x1002, "session_resumed (non-terminal, SID = session)"},
    {0x1003, "session_ended (non-terminal, SID = session)"},
    {0x1004, "session_pending (non-terminal, SID = session)"},
    {0xE001, "identity_key_changed (endpoint-only, never sent)"},
    {0xE002, "handshake_failed (endpoint-only, never sent)"},
    {0xE003, "handshake_timeout (endpoint-only, never sent)"},
    {0xE004, "decrypt_failed (endpoint-only, never sent)"},
    {0xE005, "sequence_error (endpoint-only, never sent)"},
    {0, NULL}};

static const value_string scope_vals[] = {{0, "connection (SessionID 0)"},
                                          {1, "session (SessionID of the session)"},
                                          {0, NULL}};

static const value_string category_vals[] = {
    {0x00, "unassigned"},    {0x01, "auth"},     {0x02, "routing"},      {0x03, "session"},
    {0x04, "wire format"},   {0x05, "reserved"}, {0x06, "internal"},     {0x09, "throttling"},
    {0x10, "session state"}, {0xE0, "SDK only (never on the wire)"},     {0xE1, "future SDK"},
    {0xF0, "vendor"},        {0, NULL}};

static const ctl_row *ctl_lookup(guint16 code) {
  for (size_t i = 0; i < G_N_ELEMENTS(ctl_table); i++)
    if (ctl_table[i].code == code) return &ctl_table[i];
  return NULL;
}

static guint8 ctl_category(guint16 code) {
  guint8 hi = (guint8)(code >> 8);
  switch (hi) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x06: case 0x09: case 0x10: case 0xE0:
      return hi;
    case 0x05: case 0x07: case 0x08: return 0x05;
    default: break;
  }
  if (hi >= 0x0A && hi <= 0x0F) return 0x05;
  if (hi >= 0x11 && hi <= 0x1F) return 0x05;
  if (hi >= 0xE1 && hi <= 0xEF) return 0xE1;
  if (hi >= 0xF0) return 0xF0;
  return 0x00;
}

/* ---- conversation state -------------------------------------------------- */

/* One (session, direction) stream of Data on one connection. */
typedef struct seq_state {
  bool have;
  guint64 max;
  guint64 bits[SEQ_WINDOW / 64]; /* bit i of the window: max - i was seen */
} seq_state;

/* HandshakeInit and HandshakeAccept of one session on one connection. */
typedef struct hs_link {
  guint32 init_frame, accept_frame;
} hs_link;

/* A Ping and the Pong answering it. */
typedef struct ping_link {
  guint32 ping_frame, pong_frame;
  guint8 payload[8];
  guint8 len;
} ping_link;

/* Per session (global): the daemon identity seen in its latest HandshakeAccept. */
typedef struct sbrp_session {
  guint64 sid;
  char *fingerprint; /* "SHA256:AA:..." or NULL */
} sbrp_session;

enum { KIND_NONE = 0, KIND_SBRP = 1, KIND_SBP = 2 };

typedef struct sbrp_conv {
  conversation_t *conv;
  guint32 index;
  guint32 server_port; /* TCP server port once known */
  guint8 kind;         /* what the heuristic decided this connection carries, */
  guint32 kind_frame;  /* from this frame */
  guint32 kind_slot;   /* and this heuristic invocation in it on */
  guint8 role; /* ROLE_* */
  wmem_map_t *streams; /* (sid, dir) -> seq_state */
  wmem_map_t *handshakes; /* sid -> hs_link (the latest) */
  ping_link *last_ping[2]; /* [0] sent by the WebSocket client, [1] by the server */
} sbrp_conv;

/* Per message, computed on the first pass. */
enum { SEQ_NONE, SEQ_FIRST, SEQ_NEXT, SEQ_GAP, SEQ_REPEATED, SEQ_BACKWARDS };
enum { DEC_NONE, DEC_OFF, DEC_NO_KEYLOG, DEC_NO_KEY, DEC_FAILED, DEC_OK };

typedef struct sbrp_msg {
  guint8 side;   /* 0 WebSocket client, 1 server, 2 unknown */
  guint8 role;   /* connection role when the message was seen */
  guint8 seq_status;
  guint8 decrypt;
  guint8 keys_tried;
  guint64 seq_prev;
  guint8 *pt;
  guint32 pt_len;
  hs_link *hs;
  ping_link *ping;
  sbrp_session *session;
} sbrp_msg;

static wmem_map_t *sessions; /* sid -> sbrp_session, file scope */

typedef struct stream_key {
  guint64 sid;
  guint32 dir;
} stream_key;

static guint stream_hash(gconstpointer p) {
  const stream_key *k = p;
  return (guint)(k->sid ^ (k->sid >> 32)) * 31u + k->dir;
}

static gboolean stream_equal(gconstpointer a, gconstpointer b) {
  const stream_key *x = a, *y = b;
  return x->sid == y->sid && x->dir == y->dir;
}

static sbrp_conv *get_conv(packet_info *pinfo) {
  conversation_t *conv = find_or_create_conversation(pinfo);
  sbrp_conv *c = conversation_get_proto_data(conv, proto_sbrp);
  if (!c) {
    c = wmem_new0(wmem_file_scope(), sbrp_conv);
    c->conv = conv;
    c->index = conv->conv_index;
    c->streams = wmem_map_new(wmem_file_scope(), stream_hash, stream_equal);
    c->handshakes = wmem_map_new(wmem_file_scope(), g_int64_hash, g_int64_equal);
    conversation_add_proto_data(conv, proto_sbrp, c);
  }
  return c;
}

static sbrp_session *get_session(guint64 sid) {
  sbrp_session *s = wmem_map_lookup(sessions, &sid);
  if (!s) {
    s = wmem_new0(wmem_file_scope(), sbrp_session);
    s->sid = sid;
    wmem_map_insert(sessions, &s->sid, s);
  }
  return s;
}

/* sbx_ws_side() for a connection whose state is at hand. */
static guint8 side_of(packet_info *pinfo, sbrp_conv *c) {
  if (!c->server_port && proto_tcp > 0) {
    const struct tcp_analysis *tcpd = conversation_get_proto_data(c->conv, proto_tcp);
    if (tcpd) c->server_port = tcpd->server_port;
  }
  guint32 server = c->server_port;
  if (server && pinfo->srcport != pinfo->destport) {
    if (pinfo->destport == server) return 0;
    if (pinfo->srcport == server) return 1;
  }
  if (pref_relay_ports) {
    bool d = value_is_in_range(pref_relay_ports, pinfo->destport);
    bool s = value_is_in_range(pref_relay_ports, pinfo->srcport);
    if (d && !s) return 0;
    if (s && !d) return 1;
  }
  return 2;
}

uint8_t sbx_ws_side(packet_info *pinfo) { return side_of(pinfo, get_conv(pinfo)); }

uint32_t sbx_next_message_index(packet_info *pinfo) {
  guint32 n = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_sbrp, KEY_MSG_COUNTER));
  p_add_proto_data(pinfo->pool, pinfo, proto_sbrp, KEY_MSG_COUNTER, GUINT_TO_POINTER(n + 1));
  return n;
}

static sbx_sender sender_of(guint8 side, guint8 role) {
  if (side == 1) return SBX_SENDER_RELAY;
  if (side == 0)
    return role == ROLE_CLIENT ? SBX_SENDER_CLIENT
           : role == ROLE_DAEMON ? SBX_SENDER_DAEMON
                                 : SBX_SENDER_ENDPOINT;
  return SBX_SENDER_UNKNOWN;
}

/* Learn the connection's role from a frame (first pass). */
static void learn_role(sbrp_conv *c, guint8 side, guint8 type, guint32 dir, guint16 ctl) {
  guint8 r = ROLE_UNKNOWN;
  if (c->role != ROLE_UNKNOWN || side > 1) return;
  switch (type) {
    case T_INIT: r = side == 0 ? ROLE_CLIENT : ROLE_DAEMON; break;
    case T_ACCEPT: r = side == 0 ? ROLE_DAEMON : ROLE_CLIENT; break;
    case T_DATA:
      if (dir == 1) r = side == 0 ? ROLE_CLIENT : ROLE_DAEMON;
      if (dir == 2) r = side == 0 ? ROLE_DAEMON : ROLE_CLIENT;
      break;
    case T_SIGNAL: /* only daemons send Signals (a client's first frame is HandshakeInit) */
      if (side == 0) r = ROLE_DAEMON;
      break;
    case T_CONTROL:
      if (side == 1) {
        const ctl_row *row = ctl_lookup(ctl);
        if (row) r = row->to_role;
      }
      break;
    default: break;
  }
  c->role = r;
}

/* Sequence check for one Data frame (first pass). */
static guint8 track_seq(sbrp_conv *c, guint64 sid, guint32 dir, guint64 seq, guint64 *prev) {
  stream_key probe = {sid, dir};
  seq_state *s = wmem_map_lookup(c->streams, &probe);
  if (!s) {
    stream_key *k = wmem_new(wmem_file_scope(), stream_key);
    *k = probe;
    s = wmem_new0(wmem_file_scope(), seq_state);
    wmem_map_insert(c->streams, k, s);
  }
  if (!s->have) {
    s->have = true;
    s->max = seq;
    s->bits[0] = 1;
    return SEQ_FIRST;
  }
  *prev = s->max;
  if (seq > s->max) {
    guint64 shift = seq - s->max;
    guint8 st = shift == 1 ? SEQ_NEXT : SEQ_GAP;
    if (shift >= SEQ_WINDOW) {
      memset(s->bits, 0, sizeof s->bits);
    } else {
      for (guint64 i = 0; i < shift; i++) { /* shift the 128-bit window left by one */
        s->bits[1] = s->bits[1] << 1 | s->bits[0] >> 63;
        s->bits[0] <<= 1;
      }
    }
    s->bits[0] |= 1;
    s->max = seq;
    return st;
  }
  guint64 diff = s->max - seq;
  if (diff >= SEQ_WINDOW) return SEQ_BACKWARDS;
  guint64 bit = 1ull << (diff % 64);
  if (s->bits[diff / 64] & bit) return SEQ_REPEATED;
  s->bits[diff / 64] |= bit;
  return SEQ_BACKWARDS;
}

/* ---- decryption -------------------------------------------------------------- */

static void try_decrypt(tvbuff_t *tvb, guint plen, guint64 sid, guint32 dir, sbrp_msg *m) {
  if (!pref_decrypt) {
    m->decrypt = DEC_OFF;
    return;
  }
  if (!sbx_keylog_configured()) {
    m->decrypt = DEC_NO_KEYLOG;
    return;
  }
  const guint8 *keys[MAX_TRY_KEYS];
  unsigned n = 0;
  if (dir == 1 || dir == 2) {
    n = sbx_keylog_lookup(sid, dir, keys, MAX_TRY_KEYS);
  } else { /* a broken direction field: try both directions' keys */
    n = sbx_keylog_lookup(sid, 1, keys, MAX_TRY_KEYS);
    n += sbx_keylog_lookup(sid, 2, keys + n, MAX_TRY_KEYS - n);
  }
  m->keys_tried = (guint8)n;
  if (n == 0) {
    m->decrypt = DEC_NO_KEY;
    return;
  }
  const guint8 *p = tvb_get_ptr(tvb, HDR, plen);
  guint ct_len = plen - 12;
  guint8 *pt = wmem_alloc(wmem_file_scope(), ct_len > 16 ? ct_len - 16 : 1);
  for (unsigned i = 0; i < n; i++) {
    unsigned long long out_len = 0;
    if (crypto_aead_chacha20poly1305_ietf_decrypt(pt, &out_len, NULL, p + 12, ct_len, NULL, 0, p,
                                                  keys[i]) == 0) {
      m->decrypt = DEC_OK;
      m->pt = pt;
      m->pt_len = (guint32)out_len;
      return;
    }
  }
  wmem_free(wmem_file_scope(), pt);
  m->decrypt = DEC_FAILED;
}

/* ---- first pass: everything that depends on other packets ------------------- */

static sbrp_msg *analyse(tvbuff_t *tvb, packet_info *pinfo, sbrp_conv *c, guint len) {
  sbrp_msg *m = wmem_new0(wmem_file_scope(), sbrp_msg);
  m->side = side_of(pinfo, c);
  if (len < HDR) {
    m->role = c->role;
    return m;
  }
  guint8 type = tvb_get_guint8(tvb, 0);
  guint32 length = tvb_get_ntohl(tvb, 1);
  guint64 sid = tvb_get_ntoh64(tvb, 5);
  guint plen = MIN(length, len - HDR);
  guint32 dir = type == T_DATA && plen >= 4 ? tvb_get_ntohl(tvb, HDR) : 0;
  guint16 ctl = type == T_CONTROL && plen >= 2 ? tvb_get_ntohs(tvb, HDR) : 0;
  learn_role(c, m->side, type, dir, ctl);
  m->role = c->role;
  switch (type) {
    case T_INIT: {
      hs_link *h = wmem_new0(wmem_file_scope(), hs_link);
      h->init_frame = pinfo->num;
      guint64 *k = wmem_new(wmem_file_scope(), guint64);
      *k = sid;
      wmem_map_insert(c->handshakes, k, h);
      m->hs = h;
      break;
    }
    case T_ACCEPT: {
      hs_link *h = wmem_map_lookup(c->handshakes, &sid);
      if (h && !h->accept_frame) h->accept_frame = pinfo->num;
      m->hs = h;
      m->session = get_session(sid);
      if (plen >= 32) {
        guint8 digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, tvb_get_ptr(tvb, HDR, 32), 32);
        GString *fp = g_string_new("SHA256");
        for (size_t i = 0; i < sizeof digest; i++) g_string_append_printf(fp, ":%02X", digest[i]);
        m->session->fingerprint = wmem_strdup(wmem_file_scope(), fp->str);
        g_string_free(fp, TRUE);
      }
      break;
    }
    case T_DATA:
      m->session = wmem_map_lookup(sessions, &sid);
      if (plen >= 12) m->seq_status = track_seq(c, sid, dir, tvb_get_ntoh64(tvb, HDR + 4), &m->seq_prev);
      if (plen >= 28 && length == len - HDR) try_decrypt(tvb, plen, sid, dir, m);
      break;
    case T_PING: {
      ping_link *p = wmem_new0(wmem_file_scope(), ping_link);
      p->ping_frame = pinfo->num;
      p->len = (guint8)MIN(plen, 8u);
      if (p->len) tvb_memcpy(tvb, p->payload, HDR, p->len);
      if (m->side < 2) c->last_ping[m->side] = p;
      m->ping = p;
      break;
    }
    case T_PONG:
      if (m->side < 2 && c->last_ping[1 - m->side]) {
        ping_link *p = c->last_ping[1 - m->side];
        c->last_ping[1 - m->side] = NULL;
        p->pong_frame = pinfo->num;
        m->ping = p;
      }
      break;
    default: break;
  }
  return m;
}

/* ---- the frame ------------------------------------------------------------------ */

static void add_session_fingerprint(proto_tree *tree, tvbuff_t *tvb, const sbrp_session *s) {
  if (s && s->fingerprint) {
    proto_item *it = proto_tree_add_string(tree, hf_fingerprint, tvb, 0, 0, s->fingerprint);
    proto_item_set_generated(it);
  }
}

static void dissect_hs_init(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, guint plen,
                         const sbrp_msg *m, guint64 sid) {
  if (plen >= 32) proto_tree_add_item(pt, hf_init_key, tvb, HDR, 32, ENC_NA);
  if (m->hs && m->hs->accept_frame) {
    proto_item *it = proto_tree_add_uint(pt, hf_accept_in, tvb, 0, 0, m->hs->accept_frame);
    proto_item_set_generated(it);
  }
  add_session_fingerprint(pt, tvb, wmem_map_lookup(sessions, &sid));
  (void)pinfo;
}

static void dissect_accept(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, guint plen,
                           const sbrp_msg *m) {
  if (plen >= 32) proto_tree_add_item(pt, hf_acc_identity, tvb, HDR, 32, ENC_NA);
  if (plen >= 64) proto_tree_add_item(pt, hf_acc_ephemeral, tvb, HDR + 32, 32, ENC_NA);
  if (plen >= 128) proto_tree_add_item(pt, hf_acc_signature, tvb, HDR + 64, 64, ENC_NA);
  if (m->session && m->session->fingerprint && plen >= 32) {
    /* The fingerprint of this frame's own key (the session record may be newer). */
    guint8 digest[crypto_hash_sha256_BYTES];
    char fp[8 + 3 * crypto_hash_sha256_BYTES];
    size_t o = (size_t)snprintf(fp, sizeof fp, "SHA256");
    crypto_hash_sha256(digest, tvb_get_ptr(tvb, HDR, 32), 32);
    for (size_t i = 0; i < sizeof digest && o < sizeof fp; i++)
      o += (size_t)snprintf(fp + o, sizeof fp - o, ":%02X", digest[i]);
    proto_item *it = proto_tree_add_string(pt, hf_fingerprint, tvb, HDR, 32, fp);
    proto_item_set_generated(it);
    col_append_fstr(pinfo->cinfo, COL_INFO, " %.23s...", fp);
  }
  if (m->hs && m->hs->init_frame) {
    proto_item *it = proto_tree_add_uint(pt, hf_init_in, tvb, 0, 0, m->hs->init_frame);
    proto_item_set_generated(it);
  }
}

static const char *dir_name(guint32 dir) { return dir == 1 ? "c2d" : dir == 2 ? "d2c" : "?"; }

static void dissect_data(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree *pt,
                         guint plen, const sbrp_msg *m, sbx_sender sender, guint64 sid,
                         guint32 msg_index, guint32 conv_index) {
  proto_item *it;
  if (plen < 12) return;
  guint32 dir = tvb_get_ntohl(tvb, HDR);
  guint64 seq = tvb_get_ntoh64(tvb, HDR + 4);
  proto_item *nonce = proto_tree_add_item(pt, hf_data_nonce, tvb, HDR, 12, ENC_NA);
  proto_tree *nt = proto_item_add_subtree(nonce, ett_nonce);
  it = proto_tree_add_item(nt, hf_data_direction, tvb, HDR, 4, ENC_BIG_ENDIAN);
  if (dir != 1 && dir != 2)
    expert_add_info_format(pinfo, it, &ei_direction_invalid,
                           "Nonce direction %u is neither 1 (c2d) nor 2 (d2c) (SBRP-CRYPTO-020)", dir);
  else if ((sender == SBX_SENDER_CLIENT && dir != 1) || (sender == SBX_SENDER_DAEMON && dir != 2) ||
           (sender == SBX_SENDER_RELAY && m->role == ROLE_CLIENT && dir != 2) ||
           (sender == SBX_SENDER_RELAY && m->role == ROLE_DAEMON && dir != 1))
    expert_add_info_format(pinfo, it, &ei_direction_sender,
                           "Direction %s does not match the sender (%s on a %s connection) (SBRP-CRYPTO-021)",
                           dir_name(dir), val_to_str_const(sender, sender_vals, "?"),
                           val_to_str_const(m->role, role_vals, "?"));
  it = proto_tree_add_item(nt, hf_data_seq, tvb, HDR + 4, 8, ENC_BIG_ENDIAN);
  col_append_fstr(pinfo->cinfo, COL_INFO, " %s seq=%" PRIu64, dir_name(dir), seq);
  switch (m->seq_status) {
    case SEQ_REPEATED:
      expert_add_info_format(pinfo, it, &ei_seq_repeated,
                             "Sequence number %" PRIu64 " repeated in session %016" PRIx64
                             " %s (SBRP-CRYPTO-030, SBRP-REPLAY-005: sequence_error)",
                             seq, sid, dir_name(dir));
      break;
    case SEQ_BACKWARDS:
      expert_add_info_format(pinfo, it, &ei_seq_backwards,
                             "Sequence number went backwards: %" PRIu64 " after %" PRIu64
                             " (SBRP-CRYPTO-030, SBRP-REPLAY-005: sequence_error)",
                             seq, m->seq_prev);
      break;
    case SEQ_GAP:
      expert_add_info_format(pinfo, it, &ei_seq_gap,
                             "Sequence number jumped from %" PRIu64 " to %" PRIu64
                             ": frames missing or skipped (SBRP-CRYPTO-030)",
                             m->seq_prev, seq);
      break;
    default: break;
  }
  if (seq == G_MAXUINT64)
    expert_add_info(pinfo, it, &ei_seq_exhausted);
  if (plen < 28) return;
  guint ct_len = plen - 28;
  if (ct_len) proto_tree_add_item(pt, hf_data_ciphertext, tvb, HDR + 12, ct_len, ENC_NA);
  proto_tree_add_item(pt, hf_data_tag, tvb, HDR + 12 + ct_len, 16, ENC_NA);
  add_session_fingerprint(pt, tvb, m->session);
  it = proto_tree_add_boolean(pt, hf_data_decrypted, tvb, 0, 0, m->decrypt == DEC_OK);
  proto_item_set_generated(it);
  switch (m->decrypt) {
    case DEC_OFF: proto_item_append_text(it, " (decryption disabled: sbrp.decrypt)"); break;
    case DEC_NO_KEYLOG: proto_item_append_text(it, " (no key log: set sbrp.keylog_file)"); break;
    case DEC_NO_KEY:
      expert_add_info_format(pinfo, it, &ei_no_key,
                             "No key for session %016" PRIx64 " direction %s in the key log",
                             sid, dir_name(dir));
      break;
    case DEC_FAILED:
      expert_add_info_format(pinfo, it, &ei_decrypt_failed,
                             "Tag does not verify with the %u key(s) of the key log for session %016"
                             PRIx64 " %s (SBRP-CRYPTO-024: decrypt_failed)",
                             m->keys_tried, sid, dir_name(dir));
      col_append_str(pinfo->cinfo, COL_INFO, " [decrypt failed]");
      break;
    default: break;
  }
  if (m->decrypt != DEC_OK) return;
  it = proto_tree_add_uint(pt, hf_data_plaintext_len, tvb, 0, 0, m->pt_len);
  proto_item_set_generated(it);
  tvbuff_t *ptvb = tvb_new_child_real_data(tvb, m->pt, m->pt_len, m->pt_len);
  add_new_data_source(pinfo, ptvb, "Decrypted SBRP Data");
  sbx_ctx ctx = {.conv = conv_index, .msg = msg_index, .session_id = sid, .direction = dir, .encrypted = true};
  sbp_dissect_frame(ptvb, pinfo, tree, &ctx);
}

static void dissect_signal(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, guint plen) {
  if (plen < 2) return;
  guint8 code = tvb_get_guint8(tvb, HDR), reason = tvb_get_guint8(tvb, HDR + 1);
  proto_item *ci = proto_tree_add_item(pt, hf_sig_code, tvb, HDR, 1, ENC_NA);
  proto_tree_add_item(pt, hf_sig_reason, tvb, HDR + 1, 1, ENC_NA);
  col_append_fstr(pinfo->cinfo, COL_INFO, " %s/%s", val_to_str_const(code, signal_vals, "?"),
                  val_to_str_const(reason, reason_vals, "?"));
  if (code > 1 || reason > 4)
    expert_add_info_format(pinfo, ci, &ei_signal_unknown,
                           "Undefined signal code %u or reason %u (SBRP-SIG-001; SBRP-SIG-004: a relay "
                           "reads an unknown reason as none)",
                           code, reason);
  else if (code == 0 && reason != 0)
    expert_add_info(pinfo, ci, &ei_signal_ready_reason);
}

static void dissect_ping(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, guint plen,
                         guint8 type, const sbrp_msg *m) {
  proto_item *it = NULL;
  if (plen) it = proto_tree_add_item(pt, type == T_PING ? hf_ping_payload : hf_pong_payload, tvb,
                                     HDR, plen, ENC_NA);
  if (plen > 8)
    expert_add_info_format(pinfo, it, &ei_ping_too_large,
                           "%s payload of %u bytes exceeds 8 (SBRP-WIRE-022, SBRP-KA-002)",
                           type == T_PING ? "Ping" : "Pong", plen);
  if (!m->ping) return;
  if (type == T_PING && m->ping->pong_frame) {
    it = proto_tree_add_uint(pt, hf_pong_in, tvb, 0, 0, m->ping->pong_frame);
    proto_item_set_generated(it);
  } else if (type == T_PONG) {
    it = proto_tree_add_uint(pt, hf_ping_in, tvb, 0, 0, m->ping->ping_frame);
    proto_item_set_generated(it);
    if (plen != m->ping->len || (plen && tvb_memeql(tvb, HDR, m->ping->payload, plen) != 0))
      expert_add_info_format(pinfo, it, &ei_pong_mismatch,
                             "Pong payload differs from the Ping in frame %u (SBRP-WIRE-022, SBRP-KA-001)",
                             m->ping->ping_frame);
  }
}

static void dissect_control(tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, guint plen,
                            guint64 sid) {
  if (plen < 2) return;
  guint16 code = tvb_get_ntohs(tvb, HDR);
  const ctl_row *row = ctl_lookup(code);
  proto_item *ci = proto_tree_add_item(pt, hf_ctl_code, tvb, HDR, 2, ENC_BIG_ENDIAN);
  proto_tree *ct = proto_item_add_subtree(ci, ett_control);
  proto_item *it;
  it = proto_tree_add_string(ct, hf_ctl_name, tvb, HDR, 2, row ? row->name : "unknown");
  proto_item_set_generated(it);
  it = proto_tree_add_uint(ct, hf_ctl_category, tvb, HDR, 2, ctl_category(code));
  proto_item_set_generated(it);
  if (row && row->on_wire) {
    it = proto_tree_add_boolean(ct, hf_ctl_terminal, tvb, HDR, 2, row->terminal);
    proto_item_set_generated(it);
    it = proto_tree_add_uint(ct, hf_ctl_scope, tvb, HDR, 2, row->session_scope ? 1 : 0);
    proto_item_set_generated(it);
    if (row->session_scope != (sid != 0))
      expert_add_info_format(pinfo, ci, &ei_control_scope,
                             "%s is %s-scoped: SessionID must be %s (SBRP-WIRE-015, SBRP-CTRL-003)",
                             row->name, row->session_scope ? "session" : "connection",
                             row->session_scope ? "the session's (non-zero)" : "0");
    if (row->terminal) expert_add_info(pinfo, ci, &ei_control_terminal);
  } else if (row) {
    expert_add_info_format(pinfo, ci, &ei_control_endpoint_code,
                           "0x%04x (%s) is an endpoint-only code and never goes on the wire (SBRP-CTRL-004)",
                           code, row->name);
  } else {
    it = proto_tree_add_boolean(ct, hf_ctl_terminal, tvb, HDR, 2, TRUE);
    proto_item_set_generated(it);
    expert_add_info_format(pinfo, ci, &ei_control_unknown,
                           "Control code 0x%04x is not defined: receivers treat it as terminal (SBRP-CTRL-005)",
                           code);
  }
  col_append_fstr(pinfo->cinfo, COL_INFO, " %s", row ? row->name : "unknown");
  if (plen > 2) {
    proto_tree_add_item(pt, hf_ctl_message, tvb, HDR + 2, plen - 2, ENC_UTF_8);
    col_append_fstr(pinfo->cinfo, COL_INFO, " \"%s\"",
                    tvb_format_text(pinfo->pool, tvb, HDR + 2, MIN(plen - 2, 48u)));
  }
}

/* Who may send what (sbrp.md section 3), for a known sender. */
static void check_sender(packet_info *pinfo, proto_item *ti, guint8 type, sbx_sender sender) {
  switch (type) {
    case T_CONTROL:
      if (sender == SBX_SENDER_CLIENT || sender == SBX_SENDER_DAEMON || sender == SBX_SENDER_ENDPOINT)
        expert_add_info(pinfo, ti, &ei_control_from_endpoint);
      break;
    case T_SIGNAL:
      if (sender == SBX_SENDER_CLIENT) expert_add_info(pinfo, ti, &ei_signal_from_client);
      else if (sender == SBX_SENDER_RELAY) expert_add_info(pinfo, ti, &ei_signal_from_relay);
      break;
    case T_INIT:
      if (sender == SBX_SENDER_DAEMON)
        expert_add_info_format(pinfo, ti, &ei_disallowed_sender,
                               "HandshakeInit sent by a daemon: only clients send it (sbrp.md section 3, "
                               "SBRP-RELAY-023: disallowed_sender)");
      break;
    case T_ACCEPT:
      if (sender == SBX_SENDER_CLIENT)
        expert_add_info_format(pinfo, ti, &ei_disallowed_sender,
                               "HandshakeAccept sent by a client: only daemons send it (sbrp.md section 3, "
                               "SBRP-RELAY-023: disallowed_sender)");
      break;
    default: break;
  }
}

static int dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, sbrp_conv *c) {
  guint len = tvb_captured_length(tvb);
  guint32 msg_index = sbx_next_message_index(pinfo);
  if (!c) c = get_conv(pinfo);
  sbrp_msg *m = p_get_proto_data(wmem_file_scope(), pinfo, proto_sbrp, msg_index);
  if (!m) {
    m = analyse(tvb, pinfo, c, len);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_sbrp, msg_index, m);
  }
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "SBRP");
  if (msg_index == 0) col_clear(pinfo->cinfo, COL_INFO);
  proto_item *ti = proto_tree_add_item(tree, proto_sbrp, tvb, 0, -1, ENC_NA);
  proto_tree *st = proto_item_add_subtree(ti, ett_sbrp);
  sbx_sender sender = sender_of(m->side, m->role);
  proto_item *it = proto_tree_add_uint(st, hf_sender, tvb, 0, 0, sender);
  proto_item_set_generated(it);
  if (m->side < 2) {
    it = proto_tree_add_uint(st, hf_role, tvb, 0, 0, m->role);
    proto_item_set_generated(it);
  }
  if (len < HDR) {
    col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "SBRP truncated header");
    it = proto_tree_add_item(st, hf_payload, tvb, 0, len, ENC_NA);
    expert_add_info_format(pinfo, ti, &ei_header_short,
                           "Message of %u bytes is shorter than the 13-byte header (SBRP-WIRE-010, "
                           "SBRP-RELAY-012: malformed_frame)", len);
    return (int)len;
  }
  guint8 type = tvb_get_guint8(tvb, 0);
  guint32 length = tvb_get_ntohl(tvb, 1);
  guint64 sid = tvb_get_ntoh64(tvb, 5);
  proto_item *ty = proto_tree_add_item(st, hf_type, tvb, 0, 1, ENC_NA);
  proto_item *li = proto_tree_add_item(st, hf_length, tvb, 1, 4, ENC_BIG_ENDIAN);
  proto_item *si = proto_tree_add_item(st, hf_session_id, tvb, 5, 8, ENC_BIG_ENDIAN);
  const char *tname = try_val_to_str(type, type_vals);
  col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "%s", tname ? tname : "Unknown type");
  if (sid) col_append_fstr(pinfo->cinfo, COL_INFO, " sid=%016" PRIx64, sid);
  proto_item_append_text(ti, ", %s", tname ? tname : "unknown type");
  if (!tname)
    expert_add_info_format(pinfo, ty, &ei_unknown_type,
                           "Undefined frame type 0x%02x (SBRP-WIRE-012: invalid_frame_type)", type);
  if (length > MAX_PAYLOAD)
    expert_add_info_format(pinfo, li, &ei_too_large,
                           "Length %u exceeds 65536 (SBRP-WIRE-011: payload_too_large)", length);
  if (length != len - HDR)
    expert_add_info_format(pinfo, li, &ei_length_mismatch,
                           "Length says %u payload bytes, the message carries %u: %s (SBRP-WIRE-002: "
                           "malformed_frame)",
                           length, len - HDR, length > len - HDR ? "truncated" : "trailing bytes");
  if (type >= T_INIT && type <= T_SIGNAL && sid == 0)
    expert_add_info(pinfo, si, &ei_sid_zero);
  if ((type == T_PING || type == T_PONG) && sid != 0)
    expert_add_info(pinfo, si, &ei_sid_nonzero);
  check_sender(pinfo, ti, type, sender);
  guint plen = MIN(length, len - HDR);
  proto_item *pi = NULL;
  proto_tree *pt = st;
  if (plen) {
    pi = proto_tree_add_item(st, hf_payload, tvb, HDR, plen, ENC_NA);
    pt = proto_item_add_subtree(pi, ett_payload);
  }
  if (len - HDR > length && length <= MAX_PAYLOAD)
    proto_tree_add_item(st, hf_trailing, tvb, HDR + length, len - HDR - length, ENC_NA);
  /* Size rules (SBRP-WIRE-020..023). */
  proto_item *at = pi ? pi : ty;
  switch (type) {
    case T_INIT:
      if (plen != 32)
        expert_add_info_format(pinfo, at, &ei_payload_size,
                               "HandshakeInit payload is %u bytes, must be 32 (SBRP-WIRE-020)", plen);
      dissect_hs_init(tvb, pinfo, pt, plen, m, sid);
      break;
    case T_ACCEPT:
      if (plen != 128)
        expert_add_info_format(pinfo, at, &ei_payload_size,
                               "HandshakeAccept payload is %u bytes, must be 128 (SBRP-WIRE-020%s)", plen,
                               plen == 96 ? "; 96 was the size before 0.2.3, sbrp.md I-5" : "");
      dissect_accept(tvb, pinfo, pt, plen, m);
      break;
    case T_DATA:
      if (plen < 28)
        expert_add_info_format(pinfo, at, &ei_payload_size,
                               "Data payload is %u bytes, must be at least 28 (SBRP-WIRE-021)", plen);
      dissect_data(tvb, pinfo, tree, pt, plen, m, sender, sid, msg_index, c->index);
      break;
    case T_SIGNAL:
      if (plen != 2)
        expert_add_info_format(pinfo, at, &ei_payload_size,
                               "Signal payload is %u bytes, must be 2 (SBRP-WIRE-020)", plen);
      dissect_signal(tvb, pinfo, pt, plen);
      break;
    case T_PING:
    case T_PONG: dissect_ping(tvb, pinfo, pt, plen, type, m); break;
    case T_CONTROL:
      if (plen < 2)
        expert_add_info_format(pinfo, at, &ei_payload_size,
                               "Control payload is %u bytes, must be at least 2 (SBRP-WIRE-023)", plen);
      dissect_control(tvb, pinfo, pt, plen, sid);
      break;
    default: break;
  }
  col_set_fence(pinfo->cinfo, COL_INFO);
  return (int)len;
}

/* ---- entry points -------------------------------------------------------------------- */

static int dissect_sbrp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_) {
  return dissect_message(tvb, pinfo, tree, NULL);
}

/* The exact layout of a frame of a defined type (the strong test). */
static bool sbrp_looks_like_frame(tvbuff_t *tvb) {
  guint len = tvb_captured_length(tvb);
  if (len < HDR || len != tvb_reported_length(tvb)) return false;
  guint8 type = tvb_get_guint8(tvb, 0);
  guint32 length = tvb_get_ntohl(tvb, 1);
  guint64 sid = tvb_get_ntoh64(tvb, 5);
  if (length != len - HDR || length > MAX_PAYLOAD) return false;
  switch (type) {
    case T_INIT: return sid != 0 && length == 32;
    case T_ACCEPT: return sid != 0 && length == 128;
    case T_DATA: {
      if (sid == 0 || length < 28) return false;
      guint32 dir = tvb_get_ntohl(tvb, HDR);
      return dir == 1 || dir == 2;
    }
    case T_SIGNAL: return sid != 0 && length == 2 && tvb_get_guint8(tvb, HDR) <= 1 &&
                          tvb_get_guint8(tvb, HDR + 1) <= 4;
    case T_PING:
    case T_PONG: return sid == 0 && length <= 8;
    case T_CONTROL: {
      if (length < 2) return false;
      const ctl_row *row = ctl_lookup(tvb_get_ntohs(tvb, HDR));
      return row && row->on_wire && row->session_scope == (sid != 0) &&
             (length == 2 || tvb_utf_8_isprint(tvb, HDR + 2, (gint)length - 2));
    }
    default: return false;
  }
}

/* Per-packet count of heuristic invocations: a stable key for the decision. */
static guint32 heur_slot(packet_info *pinfo, guint32 which) {
  guint32 key = KEY_HEUR_BASE * which;
  guint32 n = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_sbrp, key));
  p_add_proto_data(pinfo->pool, pinfo, proto_sbrp, key, GUINT_TO_POINTER(n + 1));
  return key + n + 1;
}

/* The decision of heuristic `which` (KIND_SBRP / KIND_SBP) for this message. On the first
 * pass: the strong test, until a message of the connection passes it; from that message on
 * the connection carries that protocol. Later passes give the same answers: claimed from the
 * recorded (frame, invocation) on; before it the first pass found nothing. */
static bool heur_decide(tvbuff_t *tvb, packet_info *pinfo, guint8 which, sbrp_conv **cp) {
  guint32 slot = heur_slot(pinfo, which);
  sbrp_conv *c = *cp = get_conv(pinfo);
  if (c->kind != KIND_NONE)
    return c->kind == which &&
           (pinfo->num > c->kind_frame || (pinfo->num == c->kind_frame && slot >= c->kind_slot));
  if (PINFO_FD_VISITED(pinfo)) return false;
  /* SBRP's test is the stronger one (exact Length): a message passing it is never SBP (an
   * SBRP Data frame also parses as an SBP Error frame with an empty message). */
  bool sbrp = sbrp_looks_like_frame(tvb);
  bool yes = which == KIND_SBRP ? sbrp : !sbrp && sbp_looks_like_frame(tvb, pinfo);
  if (yes) {
    c->kind = which;
    c->kind_frame = pinfo->num;
    c->kind_slot = slot;
  }
  return yes;
}

static gboolean dissect_sbrp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_) {
  sbrp_conv *c;
  if (!heur_decide(tvb, pinfo, KIND_SBRP, &c)) return FALSE;
  dissect_message(tvb, pinfo, tree, c);
  return TRUE;
}

static gboolean dissect_sbp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_) {
  sbrp_conv *c;
  if (!heur_decide(tvb, pinfo, KIND_SBP, &c)) return FALSE;
  sbx_ctx ctx = {.msg = sbx_next_message_index(pinfo), .conv = c->index};
  guint8 side = side_of(pinfo, c);
  ctx.direction = side == 0 ? 1u : side == 1 ? 2u : 0u;
  if (ctx.msg == 0) col_clear(pinfo->cinfo, COL_INFO);
  sbp_dissect_frame(tvb, pinfo, tree, &ctx);
  col_set_fence(pinfo->cinfo, COL_INFO);
  return TRUE;
}

/* SBRP frames as a bare TCP byte stream (Decode As tcp.port): cut by the header's Length. */
static guint tcp_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_) {
  guint32 length = tvb_get_ntohl(tvb, offset + 1);
  if (length > MAX_PAYLOAD) return tvb_captured_length_remaining(tvb, offset); /* no boundary */
  return HDR + length;
}

static int dissect_sbrp_tcp_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_) {
  return dissect_message(tvb, pinfo, tree, NULL);
}

static int dissect_sbrp_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data) {
  tcp_dissect_pdus(tvb, pinfo, tree, TRUE, HDR, tcp_pdu_len, dissect_sbrp_tcp_pdu, data);
  return (int)tvb_captured_length(tvb);
}

/* ---- registration ---------------------------------------------------------------- */

static void sbrp_init(void) {
  sessions = wmem_map_new(wmem_file_scope(), g_int64_hash, g_int64_equal);
}

static void sbrp_prefs_apply(void) { sbx_keylog_set_path(pref_keylog_file); }

static void sbrp_shutdown(void) { sbx_keylog_cleanup(); }

void sbrp_register(void) {
  static hf_register_info hf[] = {
      {&hf_type, {"Type", "sbrp.type", FT_UINT8, BASE_HEX, VALS(type_vals), 0, "Frame type (SBRP-WIRE-012)", HFILL}},
      {&hf_length, {"Length", "sbrp.length", FT_UINT32, BASE_DEC, NULL, 0, "Payload bytes, header excluded", HFILL}},
      {&hf_session_id, {"SessionID", "sbrp.session_id", FT_UINT64, BASE_HEX, NULL, 0, NULL, HFILL}},
      {&hf_payload, {"Payload", "sbrp.payload", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_trailing, {"Trailing bytes", "sbrp.trailing", FT_BYTES, BASE_NONE, NULL, 0, "Bytes after Length payload bytes", HFILL}},
      {&hf_sender, {"Sender", "sbrp.sender", FT_UINT8, BASE_DEC, VALS(sender_vals), 0, "Inferred from the WebSocket connection", HFILL}},
      {&hf_role, {"Connection", "sbrp.connection", FT_UINT8, BASE_DEC, VALS(role_vals), 0, "Which endpoint this relay connection serves", HFILL}},
      {&hf_init_key, {"Client ephemeral key", "sbrp.handshake_init.key", FT_BYTES, BASE_NONE, NULL, 0, "X25519 public key (cEphPub)", HFILL}},
      {&hf_accept_in, {"HandshakeAccept in", "sbrp.handshake.accept_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL}},
      {&hf_init_in, {"HandshakeInit in", "sbrp.handshake.init_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL}},
      {&hf_acc_identity, {"Daemon identity key", "sbrp.handshake_accept.identity_key", FT_BYTES, BASE_NONE, NULL, 0, "Ed25519 public key (idPub)", HFILL}},
      {&hf_acc_ephemeral, {"Daemon ephemeral key", "sbrp.handshake_accept.ephemeral_key", FT_BYTES, BASE_NONE, NULL, 0, "X25519 public key (dEphPub)", HFILL}},
      {&hf_acc_signature, {"Signature", "sbrp.handshake_accept.signature", FT_BYTES, BASE_NONE, NULL, 0, "Ed25519 signature of sigInput", HFILL}},
      {&hf_fingerprint, {"Daemon identity fingerprint", "sbrp.fingerprint", FT_STRING, BASE_NONE, NULL, 0, "SHA256:... of the identity key (SBRP-TOFU-007)", HFILL}},
      {&hf_data_nonce, {"Nonce", "sbrp.data.nonce", FT_BYTES, BASE_NONE, NULL, 0, "Payload bytes 0-11", HFILL}},
      {&hf_data_direction, {"Direction", "sbrp.data.direction", FT_UINT32, BASE_DEC, VALS(direction_vals), 0, NULL, HFILL}},
      {&hf_data_seq, {"Sequence number", "sbrp.data.seq", FT_UINT64, BASE_DEC, NULL, 0, NULL, HFILL}},
      {&hf_data_ciphertext, {"Ciphertext", "sbrp.data.ciphertext", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_data_tag, {"Tag", "sbrp.data.tag", FT_BYTES, BASE_NONE, NULL, 0, "Poly1305 tag", HFILL}},
      {&hf_data_decrypted, {"Decrypted", "sbrp.data.decrypted", FT_BOOLEAN, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_data_plaintext_len, {"Plaintext length", "sbrp.data.plaintext_length", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
      {&hf_sig_code, {"Signal", "sbrp.signal.code", FT_UINT8, BASE_HEX, VALS(signal_vals), 0, NULL, HFILL}},
      {&hf_sig_reason, {"Reason", "sbrp.signal.reason", FT_UINT8, BASE_HEX, VALS(reason_vals), 0, NULL, HFILL}},
      {&hf_ping_payload, {"Ping payload", "sbrp.ping.payload", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_pong_payload, {"Pong payload", "sbrp.pong.payload", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_pong_in, {"Pong in", "sbrp.ping.pong_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL}},
      {&hf_ping_in, {"Ping in", "sbrp.pong.ping_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL}},
      {&hf_ctl_code, {"Control code", "sbrp.control.code", FT_UINT16, BASE_HEX, VALS(control_vals), 0, NULL, HFILL}},
      {&hf_ctl_name, {"Name", "sbrp.control.name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
      {&hf_ctl_terminal, {"Terminal", "sbrp.control.terminal", FT_BOOLEAN, BASE_NONE, NULL, 0, "The relay closes the WebSocket after it", HFILL}},
      {&hf_ctl_scope, {"SessionID scope", "sbrp.control.scope", FT_UINT8, BASE_DEC, VALS(scope_vals), 0, NULL, HFILL}},
      {&hf_ctl_category, {"Category", "sbrp.control.category", FT_UINT8, BASE_HEX, VALS(category_vals), 0, NULL, HFILL}},
      {&hf_ctl_message, {"Message", "sbrp.control.message", FT_STRING, BASE_NONE, NULL, 0, "Diagnostic text", HFILL}},
  };
  static gint *ett[] = {&ett_sbrp, &ett_payload, &ett_nonce, &ett_control};
  static ei_register_info ei[] = {
      {&ei_header_short, {"sbrp.header_short", PI_MALFORMED, PI_ERROR, "Shorter than the 13-byte header (SBRP-WIRE-010)", EXPFILL}},
      {&ei_too_large, {"sbrp.payload_too_large", PI_PROTOCOL, PI_ERROR, "Length exceeds 65536 (SBRP-WIRE-011)", EXPFILL}},
      {&ei_unknown_type, {"sbrp.unknown_type", PI_PROTOCOL, PI_ERROR, "Undefined frame type (SBRP-WIRE-012)", EXPFILL}},
      {&ei_length_mismatch, {"sbrp.length_mismatch", PI_MALFORMED, PI_ERROR, "Length does not match the message (SBRP-WIRE-002)", EXPFILL}},
      {&ei_sid_zero, {"sbrp.session_id_zero", PI_PROTOCOL, PI_ERROR, "SessionID 0 on a session-bound type (SBRP-WIRE-013: invalid_session_id)", EXPFILL}},
      {&ei_sid_nonzero, {"sbrp.session_id_nonzero", PI_PROTOCOL, PI_ERROR, "Ping/Pong with a non-zero SessionID (SBRP-WIRE-014: invalid_session_id)", EXPFILL}},
      {&ei_control_scope, {"sbrp.control.scope_mismatch", PI_PROTOCOL, PI_WARN, "SessionID does not follow the code's scope (SBRP-WIRE-015, SBRP-CTRL-003)", EXPFILL}},
      {&ei_payload_size, {"sbrp.payload_size", PI_PROTOCOL, PI_ERROR, "Payload size not allowed for the type (SBRP-WIRE-020..023)", EXPFILL}},
      {&ei_ping_too_large, {"sbrp.ping_too_large", PI_PROTOCOL, PI_ERROR, "Ping/Pong payload over 8 bytes (SBRP-WIRE-022, SBRP-KA-002)", EXPFILL}},
      {&ei_pong_mismatch, {"sbrp.pong_mismatch", PI_PROTOCOL, PI_WARN, "Pong does not echo the Ping (SBRP-WIRE-022)", EXPFILL}},
      {&ei_control_from_endpoint, {"sbrp.control_from_endpoint", PI_PROTOCOL, PI_ERROR, "Control frame sent by an endpoint: only the relay sends Control (SBRP-CTRL-001, SBRP-RELAY-023: disallowed_sender)", EXPFILL}},
      {&ei_signal_from_client, {"sbrp.signal_from_client", PI_PROTOCOL, PI_ERROR, "Signal sent by a client: only daemons send Signal (SBRP-SIG-005, SBRP-RELAY-023: disallowed_sender)", EXPFILL}},
      {&ei_signal_from_relay, {"sbrp.signal_forwarded", PI_PROTOCOL, PI_WARN, "Signal sent by the relay: Signals are never forwarded (SBRP-SIG-006)", EXPFILL}},
      {&ei_disallowed_sender, {"sbrp.disallowed_sender", PI_PROTOCOL, PI_ERROR, "Frame type not allowed from this sender (SBRP-RELAY-023)", EXPFILL}},
      {&ei_signal_unknown, {"sbrp.signal.unknown", PI_PROTOCOL, PI_WARN, "Undefined signal code or reason (SBRP-SIG-001, SBRP-SIG-004)", EXPFILL}},
      {&ei_signal_ready_reason, {"sbrp.signal.ready_reason", PI_PROTOCOL, PI_NOTE, "ready should carry reason none (SBRP-SIG-002)", EXPFILL}},
      {&ei_control_unknown, {"sbrp.control.unknown_code", PI_PROTOCOL, PI_WARN, "Undefined control code, terminal for receivers (SBRP-CTRL-005)", EXPFILL}},
      {&ei_control_endpoint_code, {"sbrp.control.endpoint_code", PI_PROTOCOL, PI_ERROR, "Endpoint-only code on the wire (SBRP-CTRL-004)", EXPFILL}},
      {&ei_control_terminal, {"sbrp.control.closes", PI_SEQUENCE, PI_NOTE, "Terminal code: the relay closes this WebSocket (SBRP-CTRL-002)", EXPFILL}},
      {&ei_direction_invalid, {"sbrp.data.direction_invalid", PI_PROTOCOL, PI_ERROR, "Nonce direction is neither 1 nor 2 (SBRP-CRYPTO-020)", EXPFILL}},
      {&ei_direction_sender, {"sbrp.data.direction_mismatch", PI_PROTOCOL, PI_WARN, "Nonce direction does not match the sender (SBRP-CRYPTO-021)", EXPFILL}},
      {&ei_seq_repeated, {"sbrp.data.seq_repeated", PI_SEQUENCE, PI_WARN, "Sequence number repeated (SBRP-CRYPTO-030, SBRP-REPLAY-005)", EXPFILL}},
      {&ei_seq_backwards, {"sbrp.data.seq_backwards", PI_SEQUENCE, PI_WARN, "Sequence number went backwards (SBRP-CRYPTO-030, SBRP-REPLAY-005)", EXPFILL}},
      {&ei_seq_gap, {"sbrp.data.seq_gap", PI_SEQUENCE, PI_NOTE, "Sequence number skipped (SBRP-CRYPTO-030)", EXPFILL}},
      {&ei_seq_exhausted, {"sbrp.data.seq_exhausted", PI_PROTOCOL, PI_WARN, "Sequence number 2^64-1: the sender must stop and re-handshake (SBRP-CRYPTO-032, sbrp.md O-4)", EXPFILL}},
      {&ei_decrypt_failed, {"sbrp.data.decrypt_failed", PI_DECRYPTION, PI_WARN, "Tag does not verify (SBRP-CRYPTO-024: decrypt_failed)", EXPFILL}},
      {&ei_no_key, {"sbrp.data.no_key", PI_UNDECODED, PI_NOTE, "No key for this session and direction in the key log", EXPFILL}},
  };
  proto_sbrp = proto_register_protocol("Sideband Relay Protocol", "SBRP", "sbrp");
  proto_register_field_array(proto_sbrp, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  expert_module_t *em = expert_register_protocol(proto_sbrp);
  expert_register_field_array(em, ei, array_length(ei));

  module_t *mod = prefs_register_protocol(proto_sbrp, sbrp_prefs_apply);
  prefs_register_filename_preference(mod, "keylog_file", "Key log file",
                                     "SBRP key log (lines \"SBRP_TRAFFIC_KEY <session-id> <c2d|d2c> "
                                     "<key>\", see the plugin's README); reread when it changes",
                                     &pref_keylog_file, FALSE);
  prefs_register_bool_preference(mod, "decrypt", "Decrypt Data frames",
                                 "Decrypt Data frames with keys from the key log and dissect the SBP "
                                 "frame inside",
                                 &pref_decrypt);
  range_convert_str(wmem_epan_scope(), &pref_relay_ports, "", 65535);
  prefs_register_range_preference(mod, "relay_ports", "Relay TCP ports",
                                  "Server ports of relay WebSocket connections, used to tell the "
                                  "relay from the endpoint when the capture lacks the TCP handshake",
                                  &pref_relay_ports, 65535);

  sbrp_handle = register_dissector("sbrp", dissect_sbrp, proto_sbrp);
  sbrp_tcp_handle = register_dissector("sbrp.tcp", dissect_sbrp_tcp, proto_sbrp);
  register_init_routine(sbrp_init);
  register_shutdown_routine(sbrp_shutdown);
}

void sbrp_handoff(void) {
  proto_tcp = proto_get_id_by_filter_name("tcp");
  heur_dissector_add("ws", dissect_sbrp_heur, "SBRP over WebSocket", "sbrp_ws", proto_sbrp,
                     HEURISTIC_ENABLE);
  int proto_sbp = proto_get_id_by_filter_name("sbp");
  heur_dissector_add("ws", dissect_sbp_heur, "SBP over WebSocket", "sbp_ws", proto_sbp,
                     HEURISTIC_ENABLE);
  dissector_add_string("ws.protocol", "sbrp.v1", sbrp_handle);
  /* Decode As: WebSocket server port (4.0 does not enable it on ws.port itself). */
  dissector_table_t ws_port = find_dissector_table("ws.port");
  if (ws_port) {
    dissector_table_allow_decode_as(ws_port);
    dissector_add_for_decode_as("ws.port", sbrp_handle);
  }
  dissector_add_for_decode_as_with_preference("tcp.port", sbrp_tcp_handle);
  sbx_keylog_set_path(pref_keylog_file);
}
