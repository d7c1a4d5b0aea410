// Read a Server-Sent Events stream in tests: parsed events, and whether the server ended it.

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

export interface SseRead {
  events: SseEvent[];
  /** The server closed the stream (rather than the reader stopping). */
  ended: boolean;
}

/** Read events until the server ends the stream or `stop` says enough; then abort the connection. */
export async function readSse(url: string, headers: Record<string, string>, stop: (events: SseEvent[]) => boolean = () => false): Promise<SseRead> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  if (!res.headers.get('content-type')?.includes('text/event-stream')) throw new Error(`not an event stream: ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  let ended = false;
  while (!stop(events)) {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    buffer += decoder.decode(value, { stream: true });
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(':');
        const text = rest.join(':').replace(/^ /, '');
        if (field === 'id' || field === 'event' || field === 'data') event[field] = text;
      }
      if (event.event || event.data) events.push(event);
    }
  }
  controller.abort();
  return { events, ended };
}
