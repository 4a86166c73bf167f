-- A syntax error: the table is never closed.
scenario {
  name = "syntax error",
  requirements = {},

local world = sim.world {}
