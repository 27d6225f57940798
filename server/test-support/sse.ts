// Reads a Server-Sent Events body into its events, as a browser's EventSource would.

export interface SseEvent {
  event: string;
  data: string;
}

/** Parses a complete SSE text (events separated by blank lines; `event:` defaults to "message"). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split('\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

/** Reads a streamed response body event by event, calling `onEvent` as each one completes. */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void | 'stop'): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) !== -1) {
      const [event] = parseSse(buffer.slice(0, cut + 2));
      buffer = buffer.slice(cut + 2);
      if (event && onEvent(event) === 'stop') {
        await reader.cancel();
        return;
      }
    }
  }
}
