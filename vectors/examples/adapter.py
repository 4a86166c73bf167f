#!/usr/bin/env python3
"""An example adapter: how an implementation answers the conformance vectors.

    build/sbconf vectors run --iut-cmd "python3 vectors/examples/adapter.py" vectors/

sbconf starts this program once and talks to it in JSON Lines (see "Adapter
protocol" in vectors/README.md):

    -> {"id": 17, "type": "auth.sid.encode", "input": {"sessionId": "1"}}
    <- {"id": 17, "result": "valid", "output": {"sid": "AAAAAAAAAAE"}}

Each answer carries the request's id and a result: "valid" with the outputs
of the README's table, "invalid" with {"error": ...}, or "unsupported" for
types this implementation does not do (those cases are skipped, not failed).
Anything printed to stderr ends up in sbconf's log, so debug there: stdout
is for answers only.

This file implements a few operation types for real, standard library only:
SBRP frames (sbrp.frame.decode / .encode), the token `sid` claim
(auth.sid.encode / .decode), event names and patterns (events.validate /
.match) and the reconnection delay (peer.backoff). Replace the handlers with
calls into your own implementation.
"""

import base64
import json
import math
import re
import struct
import sys


class Invalid(Exception):
    """The input is well-formed and the protocol rejects it: answer "invalid"."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


# ---- reading inputs --------------------------------------------------------
# A malformed input (a missing member, bad hex) is not an answer: raising
# ValueError makes the loop answer "unsupported" with the reason.

HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


def hex_bytes(inp, key):
    """A hex string member as bytes (the vectors write lower case)."""
    value = inp.get(key)
    if not isinstance(value, str) or not HEX.fullmatch(value):
        raise ValueError(f"input.{key}: not an even-length hex string")
    return bytes.fromhex(value)


def u64(inp, key):
    """A 64-bit integer member: the vectors write them as decimal strings."""
    value = inp.get(key)
    if isinstance(value, str) and value.isdigit() and value.isascii():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**64:
        raise ValueError(f"input.{key}: not an unsigned 64-bit decimal string")
    return value


def number(inp, key):
    value = inp.get(key)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"input.{key}: not a number")
    return value


def string(inp, key):
    value = inp.get(key)
    if not isinstance(value, str):
        raise ValueError(f"input.{key}: missing or not a string")
    return value


# ---- SBRP frames (sbrp.md sections 2-4) -----------------------------------
# type (1 byte) | Length (u32 big-endian) | SessionID (u64 big-endian) | payload

HEADER = struct.Struct(">BIQ")  # 13 bytes
MAX_PAYLOAD = 65536
HANDSHAKE_INIT, HANDSHAKE_ACCEPT, DATA, SIGNAL = 0x01, 0x02, 0x03, 0x04
PING, PONG, CONTROL = 0x10, 0x11, 0x20
TYPES = {HANDSHAKE_INIT, HANDSHAKE_ACCEPT, DATA, SIGNAL, PING, PONG, CONTROL}
SIGNAL_CODES = {0x00, 0x01}  # ready, close
SIGNAL_REASONS = {0x00, 0x01, 0x02, 0x03, 0x04}  # none, state_lost, shutdown, policy, error
# Control codes that may travel on the wire (section 7) and the SessionID
# each carries: 0 for a connection-level code, the session's for the others.
# The 0xE0xx codes are endpoint-only and never sent.
CONNECTION, SESSION = "connection", "session"
WIRE_CONTROL_CODES = {
    0x0101: CONNECTION, 0x0102: CONNECTION,  # unauthorized, forbidden
    0x0201: SESSION, 0x0202: SESSION,  # daemon_not_found, daemon_offline
    0x0301: SESSION, 0x0302: SESSION,  # session_not_found, session_expired
    0x0401: CONNECTION, 0x0402: CONNECTION,  # malformed_frame, payload_too_large
    0x0403: CONNECTION, 0x0404: CONNECTION,  # invalid_frame_type, invalid_session_id
    0x0405: SESSION,  # disallowed_sender: echoes the offending frame's SessionID
    0x0601: CONNECTION,  # internal_error
    0x0901: CONNECTION, 0x0902: CONNECTION,  # rate_limited, backpressure
    0x1001: SESSION, 0x1002: SESSION, 0x1003: SESSION, 0x1004: SESSION,  # session_*
}
DISALLOWED_SENDER = 0x0405


def check_header(ftype, length, session_id):
    """The header checks, in the documents' order: size, type, SessionID scope."""
    if length > MAX_PAYLOAD:
        raise Invalid("payload_too_large")
    if ftype not in TYPES:
        raise Invalid("invalid_frame_type")
    if ftype in (HANDSHAKE_INIT, HANDSHAKE_ACCEPT, DATA, SIGNAL) and session_id == 0:
        raise Invalid("invalid_session_id")  # session-bound types need a session
    if ftype in (PING, PONG) and session_id != 0:
        raise Invalid("invalid_session_id")  # keepalives belong to the connection


def check_payload(ftype, payload):
    """The payload layout of each type as a receiving endpoint checks it."""
    n = len(payload)
    if ftype == HANDSHAKE_INIT and n != 32:  # an X25519 public key
        raise Invalid("malformed_frame")
    if ftype == HANDSHAKE_ACCEPT and n != 128:  # identity key | ephemeral key | signature
        raise Invalid("malformed_frame")
    if ftype == DATA and n < 12 + 16:  # nonce | ciphertext | tag
        raise Invalid("malformed_frame")
    # A receiver reads an unknown Signal reason as "none".
    if ftype == SIGNAL and (n != 2 or payload[0] not in SIGNAL_CODES):
        raise Invalid("malformed_frame")
    if ftype in (PING, PONG) and n > 8:
        raise Invalid("payload_too_large")
    # A receiver keeps an unknown Control code (and treats it as terminal).
    if ftype == CONTROL and n < 2:
        raise Invalid("malformed_frame")


def check_sender(ftype, session_id, payload):
    """What a conformant sender must never emit, although a receiver reads it."""
    if ftype == SIGNAL and payload[1] not in SIGNAL_REASONS:
        raise Invalid("malformed_frame")
    if ftype == CONTROL:
        code = int.from_bytes(payload[:2], "big")
        if code not in WIRE_CONTROL_CODES:
            raise Invalid("malformed_frame")
        if code != DISALLOWED_SENDER and (WIRE_CONTROL_CODES[code] == SESSION) != (session_id != 0):
            raise Invalid("invalid_session_id")


def sbrp_frame_decode(inp):
    frame = hex_bytes(inp, "frame")
    if len(frame) < HEADER.size:
        raise Invalid("malformed_frame")
    ftype, length, session_id = HEADER.unpack_from(frame)
    check_header(ftype, length, session_id)
    payload = frame[HEADER.size:]
    if len(payload) != length:  # one message holds exactly one frame
        raise Invalid("malformed_frame")
    check_payload(ftype, payload)
    return {"type": ftype, "sessionId": str(session_id), "payload": payload.hex()}


def sbrp_frame_encode(inp):
    ftype = inp.get("type")
    if not isinstance(ftype, int) or isinstance(ftype, bool) or not 0 <= ftype <= 255:
        raise ValueError("input.type: not a byte value")
    session_id = u64(inp, "sessionId")
    payload = hex_bytes(inp, "payload")
    check_header(ftype, len(payload), session_id)
    check_payload(ftype, payload)
    check_sender(ftype, session_id, payload)
    return {"frame": (HEADER.pack(ftype, len(payload), session_id) + payload).hex()}


# ---- the token `sid` claim (auth.md section 3) ---------------------------
# The SessionID's 8 big-endian bytes as unpadded base64url: always 11 characters.

SID = re.compile(r"[A-Za-z0-9_-]{11}")


def auth_sid_encode(inp):
    session_id = u64(inp, "sessionId")
    if session_id == 0:
        raise Invalid("invalid_sid")
    return {"sid": base64.urlsafe_b64encode(session_id.to_bytes(8, "big")).rstrip(b"=").decode()}


def auth_sid_decode(inp):
    sid = string(inp, "sid")
    # Strict: URL-safe alphabet only, no padding (Python's decoder would also
    # take "+", "/" and "=", so check the text first).
    if not SID.fullmatch(sid):
        raise Invalid("invalid_sid")
    session_id = int.from_bytes(base64.urlsafe_b64decode(sid + "="), "big")
    # 11 characters carry 66 bits: the last 2 must be zero, so encoding the
    # value again must give the same text (the canonical form). 0 is no session.
    if session_id == 0 or auth_sid_encode({"sessionId": session_id})["sid"] != sid:
        raise Invalid("invalid_sid")
    return {"sessionId": str(session_id)}


# ---- event names and patterns (events.md sections 2-3) -------------------
# Dot-separated tokens of A-Z a-z 0-9 - _, at most 255 bytes. In patterns a
# segment may be "*" (exactly one segment) or, last, ">" (one or more).

TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def is_valid(text, wildcards):
    if not text or "**" in text or len(text.encode()) > 255:
        return False
    segments = text.split(".")
    for i, segment in enumerate(segments):
        if segment in ("*", ">"):
            if not wildcards or (segment == ">" and i != len(segments) - 1):
                return False
        elif not TOKEN.fullmatch(segment):
            return False
    return True


def matches(pattern, name):
    p, n = pattern.split("."), name.split(".")
    for i, segment in enumerate(p):
        if segment == ">":
            return len(n) > i  # at least one more name segment
        if i >= len(n) or (segment != "*" and segment != n[i]):
            return False
    return len(p) == len(n)


def events_validate(inp):
    if "pattern" in inp:
        ok = is_valid(string(inp, "pattern"), wildcards=True)
    else:
        ok = is_valid(string(inp, "name"), wildcards=False)
    if not ok:
        raise Invalid("invalid_pattern")
    return None  # valid, nothing to report


def events_match(inp):
    pattern, name = string(inp, "pattern"), string(inp, "name")
    if not is_valid(pattern, wildcards=True) or not is_valid(name, wildcards=False):
        raise Invalid("invalid_pattern")
    return {"match": matches(pattern, name)}


# ---- reconnection delay (peer-runtime.md section 4) ----------------------
#   B = min(initialMs * 2^attempt, maxMs); delay = max(0, round(B + (2r - 1) * B * jitter))
# with JavaScript's Math.round (halves toward +infinity), in doubles.


class Unsupported(Exception):
    """An input this implementation declines (answer "unsupported")."""


def js_round(x):
    if not math.isfinite(x):
        return x
    f = math.floor(x)
    return f + 1 if x - f >= 0.5 else f


def peer_backoff(inp):
    policy = inp.get("policy")
    if not isinstance(policy, dict):
        raise ValueError("input.policy: not a JSON object")
    initial, cap, jitter = (float(number(policy, k)) for k in ("initialMs", "maxMs", "jitter"))
    attempt, r = number(inp, "attempt"), float(number(inp, "random"))
    if attempt != int(attempt) or not 0 <= attempt < 2**32:
        raise ValueError("input.attempt: not an integer from 0 to 2^32-1")
    if not all(math.isfinite(v) and v >= 0 for v in (initial, cap, jitter)) or not 0 <= r < 1:
        raise Unsupported("a policy the reference does not define a delay for")
    try:
        grown = math.ldexp(initial, min(int(attempt), 4096))
    except OverflowError:
        grown = math.inf  # as 2^attempt overflows in JavaScript
    base = min(grown, cap)
    delay = js_round(base + (r * 2 - 1) * (base * jitter))
    if not delay > 0:  # max(0, ...), NaN included (0 * an overflowed B * jitter)
        delay = 0
    if delay > 2**53:
        raise Unsupported("delay beyond 2^53 ms")
    return {"delayMs": int(delay)}


# ---- the protocol loop -----------------------------------------------------

HANDLERS = {
    "sbrp.frame.decode": sbrp_frame_decode,
    "sbrp.frame.encode": sbrp_frame_encode,
    "auth.sid.encode": auth_sid_encode,
    "auth.sid.decode": auth_sid_decode,
    "events.validate": events_validate,
    "events.match": events_match,
    "peer.backoff": peer_backoff,
}


def answer(request):
    """The answer to one request, without its id."""
    handler = HANDLERS.get(request.get("type"))
    if handler is None:
        return {"result": "unsupported"}
    try:
        output = handler(request["input"])
    except Invalid as e:
        return {"result": "invalid", "output": {"error": e.error}}
    except Unsupported as e:
        return {"result": "unsupported", "error": str(e)}
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        return {"result": "unsupported", "error": f"malformed input: {e}"}
    return {"result": "valid"} if output is None else {"result": "valid", "output": output}


def main():
    for line in sys.stdin.buffer:  # bytes: the requests are UTF-8 JSON
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request["id"]
            reply = {"id": request_id, **answer(request)}
        except (ValueError, TypeError, KeyError) as e:
            reply = {"id": request_id, "result": "unsupported", "error": f"bad request: {e}"}
        sys.stdout.write(json.dumps(reply, separators=(",", ":")) + "\n")
        sys.stdout.flush()  # one answer per request, now: sbconf waits for it


if __name__ == "__main__":
    main()
