// Benchmark sizes: the full run behind the documented figures, and the smoke run that only
// proves in a few seconds that every benchmark still runs.

export interface Sizes {
  runs: number;
  /** Throughput: concurrent clients, warm-up and measured window per run. */
  clients: number;
  warmupMs: number;
  loadMs: number;
  /** Wake latency: rooms × agents per room = pending waits, one wait per agent. */
  wakeRooms: number;
  wakeAgents: number;
  /** Fan-out: agents × waits per agent, all on one condition in one room. */
  fanAgents: number;
  fanWaitsPerAgent: number;
  /** Context read: state keys, actions, views, and reads per run. */
  contextKeys: number;
  contextActions: number;
  contextViews: number;
  contextReads: number;
  /** Idle: rooms × agents × waits per agent, and the idle window per run. */
  idleRooms: number;
  idleAgents: number;
  idleWaitsPerAgent: number;
  idleMs: number;
  /** CEL: evaluations per expression per run. */
  celIterations: number;
}

export const FULL: Sizes = {
  runs: 5,
  clients: 10,
  warmupMs: 1000,
  loadMs: 3000,
  wakeRooms: 100,
  wakeAgents: 10,
  fanAgents: 100,
  fanWaitsPerAgent: 10,
  contextKeys: 1000,
  contextActions: 100,
  contextViews: 50,
  contextReads: 200,
  idleRooms: 100,
  idleAgents: 10,
  idleWaitsPerAgent: 10,
  idleMs: 10_000,
  celIterations: 100_000,
};

export const SMOKE: Sizes = {
  runs: 2,
  clients: 2,
  warmupMs: 50,
  loadMs: 200,
  wakeRooms: 2,
  wakeAgents: 2,
  fanAgents: 2,
  fanWaitsPerAgent: 2,
  contextKeys: 10,
  contextActions: 3,
  contextViews: 2,
  contextReads: 5,
  idleRooms: 2,
  idleAgents: 2,
  idleWaitsPerAgent: 2,
  idleMs: 300,
  celIterations: 200,
};
