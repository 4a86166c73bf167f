#!/usr/bin/python3
"""Write edge-frames.json: hand-made SBP frames that stress the dissector's
JSON and field handling (lone surrogates, NUL, deep nesting, more than the
1024 tokens Wireshark's json_validate allows, odd numbers, huge strings,
extreme timestamps). A vector-format file, so `sbconf capture vectors` puts
each frame in a WebSocket message; make test-dissector runs it through
tshark -2 -V (the "edge" check). usage: edge_frames.py OUTDIR"""
import json
import struct
import sys

FID = bytes(range(16))
CID = FID.hex()


def message(subject, data, flags=0, ts=None):
    s = subject if isinstance(subject, bytes) else subject.encode()
    head = bytes([1, flags]) + FID + (struct.pack("<q", ts) if ts is not None else b"")
    return head + struct.pack("<I", len(s)) + s + data


def handshake(payload):
    return bytes([0, 0]) + FID + b"\x00" + payload


def env(text):
    return text.encode() if isinstance(text, str) else text


cases = [
    ("lone surrogate in m", message("rpc", env('{"t":"r","m":"\\ud800x","cid":"%s"}' % CID))),
    ("escaped NUL in m", message("rpc", env('{"t":"r","m":"a\\u0000b","cid":"%s"}' % CID))),
    ("raw NUL in the JSON", message("rpc", env('{"t":"r","m":"a\x00b","cid":"%s"}' % CID))),
    ("deep array params", message("rpc", env('{"t":"r","m":"deep","cid":"%s","p":%s%s}' % (CID, "[" * 1500, "]" * 1500)))),
    ("deep object params", message("rpc", env('{"t":"r","m":"deep2","cid":"%s","p":%s1%s}' % (CID, '{"a":' * 1000, "}" * 1000)))),
    ("duplicate keys", message("rpc", env('{"t":"r","t":"R","cid":"%s","m":"x","m":5}' % CID))),
    ("upper-case cid", message("rpc", env('{"t":"R","cid":"%s"}' % CID.upper()))),
    ("20000-character method", message("rpc", env('{"t":"r","m":"%s","cid":"%s"}' % ("x" * 20000, CID)))),
    ("2000 members", message("rpc", env("{" + ",".join('"k%d":%d' % (i, i) for i in range(2000)) + ',"t":"N","e":"x"}'))),
    ("result with 3000 tokens", message("rpc", env('{"t":"R","cid":"%s","result":[%s]}' % (CID, ",".join(["1"] * 3000))))),
    ("handshake protocol is a number", handshake(b'{"protocol":1,"version":"1","peerId":"p"}')),
    ("handshake lone surrogate peerId", handshake(b'{"protocol":"sideband","version":"1","peerId":"\\udfff"}')),
    ("handshake version 2, nested caps", handshake(b'{"protocol":"sideband","version":"2","peerId":"p","caps":[[[[]]]],"metadata":{"a":{"b":{}}}}')),
    ("handshake is an array", handshake(b"[1,2,3]")),
    ("handshake invalid UTF-8", handshake(b'{"protocol":"sideband","version":"1","peerId":"\xff"}')),
    ("event without a name", message("event", env('{"t":"N","d":{}}'))),
    ("request on the event subject", message("event", env('{"t":"r","m":"x","cid":"%s"}' % CID))),
    ("invalid UTF-8 in the JSON", message("rpc", b'{"t":"r","m":"\xff\xfe","cid":"' + CID.encode() + b'"}')),
    ("array envelope", message("rpc", b'[{"t":"r"}]')),
    ("empty object", message("rpc", b"{}")),
    ("whitespace only", message("rpc", b"  \n\t ")),
    ("number envelope", message("rpc", b"42")),
    ("trailing garbage", message("rpc", env('{"t":"N","e":"x"} {}'))),
    ("unquoted key", message("rpc", b'{t:"N",e:"x"}')),
    ("bad literal", message("rpc", b'{"t":"N","e":"x","d":tru}')),
    ("subject not UTF-8", message(b"app/\xff\xfe", b"x")),
    ("subject with NUL", message(b"rp\x00c", b"x")),
    ("timestamp minimum", message("rpc", b"{}", flags=1, ts=-2**63)),
    ("timestamp maximum", bytes([0, 1]) + FID + struct.pack("<q", 2**63 - 1) + b"\x01"),
]
for code in ["1e400", "-0", "1.5", '"x"', "null", "99999999999999999999", "-1101", "1101.0", "1E3"]:
    cases.append(("error code " + code, message("rpc", env('{"t":"E","cid":"%s","code":%s,"message":"m"}' % (CID, code)))))

tests = [{"tcId": i + 1, "comment": c, "requirements": [], "flags": [], "input": {"frame": f.hex()},
          "result": "acceptable"} for i, (c, f) in enumerate(cases)]
doc = {"schema": "sideband-vectors/1", "layer": "sbp", "description": "edge cases for the dissector",
       "numberOfTests": len(tests), "testGroups": [{"type": "sbp.frame.decode", "tests": tests}]}
with open(sys.argv[1] + "/edge-frames.json", "w") as out:
    json.dump(doc, out)
