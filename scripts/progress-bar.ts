// A one-line progress bar on stderr (a plain log line per stage when stderr is not a terminal).

/** Renders `label [=====     ] done/total detail`, redrawn in place on a TTY. */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr) {
  let lastStage = '';
  let lastDraw = 0;
  return {
    update(stage: string, done: number, total: number, detail = '') {
      const now = Date.now();
      const finished = done >= total;
      if (!stream.isTTY) {
        if (stage !== lastStage || (finished && total > 1)) stream.write(`${stage}: ${done}/${total} ${detail}\n`);
        lastStage = stage;
        return;
      }
      if (stage === lastStage && !finished && now - lastDraw < 80) return;
      if (stage !== lastStage && lastStage) stream.write('\n');
      lastStage = stage;
      lastDraw = now;
      const width = 28;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      stream.write(`\r${stage.padEnd(9)} ${bar} ${done}/${total} ${detail}`.slice(0, (stream.columns ?? 100) - 1).padEnd(Math.min(100, (stream.columns ?? 100) - 1)));
    },
    end() {
      if (stream.isTTY && lastStage) stream.write('\n');
      lastStage = '';
    },
  };
}
