-- A script that never ends is stopped (no hang), with its file:line.
scenario { name = "endless loop" }
local n = 0
while n >= 0 do n = n + 1 end
