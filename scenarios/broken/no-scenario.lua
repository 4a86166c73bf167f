-- Every file starts with scenario{}: it names what the run reports.
local world = sim.world {}
