-- Makes wrk (not wrk2) send at a fixed rate: after each response a connection waits a delay
-- before its next request, so the rate is about connections / (mean delay + latency) whatever
-- the server does. The delay is drawn uniformly from 0..2*WRK_DELAY_MS whole milliseconds (mean
-- WRK_DELAY_MS), so that the connections do not fire in lockstep bursts; set WRK_JITTER=0 for
-- a constant delay. Latency is still measured by wrk from the write of each request.
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "10")
local jitter = os.getenv("WRK_JITTER") ~= "0"

function setup(thread)
   math.randomseed(os.time())
end

function delay()
   if jitter then
      return math.random(0, 2 * delay_ms)
   end
   return delay_ms
end
