// How busy the machine was with other work while a benchmark ran: all CPU time from /proc/stat
// less the server's and the load generator's own. Shared machines make this the first thing to
// check when a figure looks off.
import { readFileSync } from 'node:fs';
import type { BenchServer } from './server.js';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_MS;
}

function ownMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface LoadSample {
  /** Average number of cores other processes kept busy during the benchmark. */
  other_cores: number;
  server_cores: number;
  load_generator_cores: number;
}

/** Start measuring; call the returned function when the benchmark ends. */
export function meterLoad(server: BenchServer): () => LoadSample {
  const t0 = performance.now();
  const busy0 = machineBusyMs();
  const server0 = server.cpuMs();
  const own0 = ownMs();
  return () => {
    const wall = performance.now() - t0;
    const serverMs = server.cpuMs() - server0;
    const own = ownMs() - own0;
    const other = Math.max(0, machineBusyMs() - busy0 - serverMs - own);
    const cores = (ms: number) => Math.round((100 * ms) / wall) / 100;
    return { other_cores: cores(other), server_cores: cores(serverMs), load_generator_cores: cores(own) };
  };
}
