// Progress on stderr: a bar redrawn in place on a terminal; one line per finished stage otherwise.

/** How a progress display is driven: `update` per step, `log` for a message line, `end` when done. */
export interface ProgressBar {
  update(stage: string, done: number, total: number, detail?: string): void;
  /** Prints a message on its own line without breaking the bar. */
  log(message: string): void;
  /** Finishes the current stage (its last state is printed when it never reported completion). */
  end(): void;
}

interface StageState {
  stage: string;
  done: number;
  total: number;
  detail: string;
  /** The stage's result line has been printed. */
  reported: boolean;
  lastLine: number;
}

/**
 * On a terminal, renders `label [=====     ] done/total detail`, redrawn in place. Piped to a file or
 * a log (no TTY), prints one line per stage when it finishes — `split: 117 chunks` — and, for a
 * stage still running after `heartbeatMs`, one line with its count so far, so a log never looks stuck.
 */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr, { heartbeatMs = 15_000 }: { heartbeatMs?: number } = {}): ProgressBar {
  return stream.isTTY ? terminalBar(stream) : lineLog(stream, heartbeatMs);
}

/** `stage: result` — the stage's own words when it gave some (`split: 117 chunks`), else its count. */
export function formatStageLine({ stage, done, total, detail }: Pick<StageState, 'stage' | 'done' | 'total' | 'detail'>): string {
  return `${stage}: ${detail || `${done}/${total}`}`;
}

function lineLog(stream: NodeJS.WriteStream, heartbeatMs: number): ProgressBar {
  let current: StageState | undefined;
  const finishCurrent = () => {
    if (current && !current.reported) stream.write(current.done < current.total ? `${current.stage}: ${current.done}/${current.total} (stopped)\n` : `${formatStageLine(current)}\n`);
    current = undefined;
  };
  return {
    update(stage, done, total, detail = '') {
      const now = Date.now();
      if (current?.stage !== stage) {
        finishCurrent();
        current = { stage, done, total, detail, reported: false, lastLine: now };
      }
      Object.assign(current, { done, total, detail: detail || current.detail });
      if (done >= total) {
        // A finished stage may repeat its last update: the result line is printed once.
        if (!current.reported) stream.write(`${formatStageLine(current)}\n`);
        current.reported = true;
      } else if (now - current.lastLine >= heartbeatMs) {
        stream.write(`${stage}: ${done}/${total}…\n`);
        current.lastLine = now;
      }
    },
    log(message) {
      stream.write(`${message}\n`);
    },
    end: finishCurrent,
  };
}

function terminalBar(stream: NodeJS.WriteStream): ProgressBar {
  let current: StageState | undefined;
  let lastDraw = 0;
  const width = () => Math.min(100, (stream.columns ?? 100) - 1);
  const draw = (state: StageState) => {
    const cells = 20;
    const filled = state.total > 0 ? Math.round((Math.min(state.done, state.total) / state.total) * cells) : cells;
    const bar = '█'.repeat(filled) + '░'.repeat(cells - filled);
    stream.write(`\r${`${state.stage.padEnd(9)} ${bar} ${state.done}/${state.total} ${state.detail}`.slice(0, width()).padEnd(width())}`);
  };
  return {
    update(stage, done, total, detail = '') {
      const now = Date.now();
      const finished = done >= total;
      if (current && current.stage !== stage) stream.write('\n');
      else if (current && !finished && now - lastDraw < 80) {
        Object.assign(current, { done, total, detail: detail || current.detail });
        return;
      }
      current = current?.stage === stage ? Object.assign(current, { done, total, detail: detail || current.detail }) : { stage, done, total, detail, reported: false, lastLine: now };
      lastDraw = now;
      draw(current);
    },
    log(message) {
      stream.write(current ? `\r${' '.repeat(width())}\r${message}\n` : `${message}\n`);
      if (current) draw(current);
    },
    end() {
      if (current) stream.write('\n');
      current = undefined;
    },
  };
}
