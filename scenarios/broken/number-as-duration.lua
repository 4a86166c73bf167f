-- A bare number is not a duration (milliseconds? seconds?).
scenario { name = "number as duration" }
local world = sim.world { latency = 5 }
