// Server-sent events parser for fetch's ReadableStream (EventSource cannot POST).

export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Yields the events of an SSE body as they complete. Follows the WHATWG rules that matter here:
 * CRLF/LF/CR line ends, `event:`/`data:` fields, multi-line data joined with "\n", comments ignored.
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    reader.releaseLock();
  }
}

/** The incremental parser behind parseSse: push text as it arrives, collect finished events. */
export function createSseParser() {
  let buffer = '';
  let eventName = '';
  let dataLines: string[] = [];
  let pendingCarriageReturn = false;

  function takeLine(line: string, out: SseEvent[]) {
    if (line === '') {
      if (dataLines.length > 0) out.push({ event: eventName || 'message', data: dataLines.join('\n') });
      eventName = '';
      dataLines = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventName = value;
    else if (field === 'data') dataLines.push(value);
  }

  return {
    push(text: string): SseEvent[] {
      const out: SseEvent[] = [];
      // A CR at the end of the previous chunk may be the first half of a CRLF.
      if (pendingCarriageReturn && text.startsWith('\n')) text = text.slice(1);
      pendingCarriageReturn = false;
      buffer += text;
      let match: RegExpExecArray | null;
      const lineEnd = /\r\n|\r|\n/g;
      let consumed = 0;
      while ((match = lineEnd.exec(buffer))) {
        if (match[0] === '\r' && match.index === buffer.length - 1) {
          pendingCarriageReturn = true;
        }
        takeLine(buffer.slice(consumed, match.index), out);
        consumed = match.index + match[0].length;
      }
      buffer = buffer.slice(consumed);
      return out;
    },
    /** Flushes a final event whose blank line never came (a server that closed early). */
    end(): SseEvent[] {
      const out: SseEvent[] = [];
      if (buffer) takeLine(buffer, out);
      buffer = '';
      takeLine('', out);
      return out;
    },
  };
}
