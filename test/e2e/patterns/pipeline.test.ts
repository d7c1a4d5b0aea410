// Seed 004 pattern 4, pipeline (sequential handoff): each stage waits for its stage value, works on
// the data the previous stage left, and hands off with a gated write in the same invocation (D11, D16).
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../../support/in-process.js';
import type { TestClient } from '../../support/http-client.js';

const ROOM = 'room-1';
const q = encodeURIComponent;
/** Let the request reach the server and park as a pending wait. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

/** A stage's action: only its agent, only at its stage; writes the data and moves the stage on. */
function stage(id: string, agent: string, from: string, to: string) {
  return {
    id,
    description: `${agent}: finish the ${from} stage and hand off to ${to}`,
    params: { data: { type: 'string', required: true } },
    if: `self == "${agent}" && state._shared.pipeline_stage == "${from}"`,
    writes: [
      { key: 'data', value: '${params.data}' },
      { key: 'pipeline_stage', value: to },
    ],
  };
}

function waitForStage(client: TestClient, agent: string, value: string) {
  return client.get(`/rooms/${ROOM}/wait?condition=${q(`state._shared.pipeline_stage == "${value}"`)}&agent=${agent}&include=state._shared`);
}

describe('pattern: pipeline', () => {
  it('three stages hand off in order and the data flows through', async () => {
    const { app, client } = inProcessApp();
    const { admin, tokens } = await roomWithAgents(client, ROOM, ['ingestion', 'processor', 'output']);
    const owner = client.as(admin);
    const ingestion = client.as(tokens.ingestion);
    const processor = client.as(tokens.processor);
    const output = client.as(tokens.output);

    const vocabulary = [
      { id: 'start_pipeline', description: 'Reset the pipeline to ingestion', writes: [{ key: 'pipeline_stage', value: 'ingestion' }, { key: 'data', value: '' }] },
      stage('ingest', 'ingestion', 'ingestion', 'processing'),
      stage('process', 'processor', 'processing', 'output'),
      stage('publish', 'output', 'output', 'done'),
    ];
    for (const definition of vocabulary) {
      expect((await owner.invoke(ROOM, '_register_action', definition)).status).toBe(201);
    }
    expect((await owner.invoke(ROOM, 'start_pipeline')).status).toBe(200);

    // The downstream stages wait before anything happens; nobody polls.
    const processing = waitForStage(processor, 'processor', 'processing');
    const outputting = waitForStage(output, 'output', 'output');
    const finished = waitForStage(ingestion, 'ingestion', 'done');
    await settle();
    expect(app.services.waits.stats().pending).toBe(3);
    const agents = await owner.context(ROOM, '?only=agents');
    expect(agents.body.agents.processor).toMatchObject({ status: 'waiting', waiting_on: 'state._shared.pipeline_stage == "processing"' });

    // Handoffs out of order are refused: the gate is the stage.
    expect((await processor.invoke(ROOM, 'process', { data: 'too early' })).body).toMatchObject({ error: 'precondition_failed', action: 'process' });
    expect((await processor.invoke(ROOM, 'ingest', { data: 'not my stage' })).body).toMatchObject({ error: 'precondition_failed', action: 'ingest' });

    // Stage 1: ingestion collects and hands off in one atomic invocation.
    const ingested = await ingestion.invoke(ROOM, 'ingest', { data: 'raw data collected' });
    expect(ingested.status).toBe(200);
    expect((await ingestion.invoke(ROOM, 'ingest', { data: 'twice' })).status).toBe(409);

    // Stage 2: the processor wakes with the raw data and works on what it was given.
    const woke = await processing;
    expect(woke.body).toMatchObject({ triggered: true, state: { pipeline_stage: 'processing', data: 'raw data collected' } });
    expect(app.services.waits.stats().pending).toBe(2);
    const processed = `processed(${woke.body.state.data})`;
    expect((await processor.invoke(ROOM, 'process', { data: processed })).status).toBe(200);

    // Stage 3: output wakes with the processed data and publishes.
    const last = await outputting;
    expect(last.body).toMatchObject({ triggered: true, state: { pipeline_stage: 'output', data: 'processed(raw data collected)' } });
    expect((await output.invoke(ROOM, 'publish', { data: `report: ${last.body.state.data}` })).status).toBe(200);

    const done = await finished;
    expect(done.body).toMatchObject({ triggered: true, state: { pipeline_stage: 'done', data: 'report: processed(raw data collected)' } });
    expect(app.services.waits.stats().pending).toBe(0);

    // Afterwards every stage is active again and nothing but `done` opens a stage.
    const after = await owner.context(ROOM, '?only=agents');
    for (const id of ['ingestion', 'processor', 'output']) expect(after.body.agents[id]).toMatchObject({ status: 'active', waiting_on: null });
    for (const [stageClient, action] of [[ingestion, 'ingest'], [processor, 'process'], [output, 'publish']] as const) {
      expect((await stageClient.invoke(ROOM, action, { data: 'late' })).status).toBe(409);
    }
  });
});
