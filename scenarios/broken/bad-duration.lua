-- Durations are a number and a unit.
scenario { name = "bad duration" }
local world  = sim.world {}
local relay  = world:relay {}
world:advance("5 parsecs")
