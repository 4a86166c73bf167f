-- Helpers for the client scenarios (scenarios/sbrp/client/): read a session
-- token the way auth.md section 3 defines it, independently of the C code
-- under test, and format SessionIDs as the trace does.
local M = {}

local ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local VALUE = {}
for i = 1, #ALPHABET do VALUE[ALPHABET:sub(i, i)] = i - 1 end

-- base64url (RFC 4648 section 5, no padding) to bytes; error on any other character.
function M.b64url_decode(s)
  local out, acc, bits = {}, 0, 0
  for i = 1, #s do
    local v = VALUE[s:sub(i, i)]
    if not v then error("not base64url: " .. s, 2) end
    acc, bits = (acc << 6) | v, bits + 6
    if bits >= 8 then
      bits = bits - 8
      out[#out + 1] = string.char((acc >> bits) & 0xff)
    end
  end
  return table.concat(out)
end

-- The claims segment (part 2) of a compact JWS, as JSON text.
function M.claims(token)
  local payload = token:match("^[^.]+%.([^.]+)%.[^.]+$")
  if not payload then error("not a compact JWS: " .. tostring(token), 2) end
  return M.b64url_decode(payload)
end

-- The `sid` claim of a session token: its 11 characters and the SessionID
-- they encode (8 bytes big-endian, AUTH-010), as an integer.
function M.token_sid(token)
  local sid = M.claims(token):match('"sid"%s*:%s*"([^"]*)"')
  if not sid then error("session token without a sid claim", 2) end
  local raw = M.b64url_decode(sid)
  if #raw ~= 8 then error("sid does not decode to 8 bytes: " .. sid, 2) end
  return string.unpack(">I8", raw), sid
end

-- A SessionID as the trace prints it: 16 hex digits.
function M.sidhex(sid) return string.format("%016x", sid) end

-- The SessionID field of a frame (bytes 5..12 of the header), as an integer.
function M.frame_sid(bytes) return (string.unpack(">I8", bytes, 6)) end

return M
