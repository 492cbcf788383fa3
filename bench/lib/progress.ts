/** Progress on stderr, at most every `everyMs`, so a long run shows it is alive without flooding. */
export function progress(label: string, total: number, everyMs = 5000): { tick(): void; done(): void } {
  const start = performance.now();
  let count = 0;
  let last = start;
  const line = () => {
    const s = (performance.now() - start) / 1000;
    process.stderr.write(`  ${label}: ${count}/${total} in ${s.toFixed(0)} s (${(count / Math.max(s, 0.001)).toFixed(1)}/s)\n`);
  };
  return {
    tick() {
      count++;
      const now = performance.now();
      if (now - last >= everyMs) {
        last = now;
        line();
      }
    },
    done: line,
  };
}

export const say = (line: string) => process.stderr.write(`${line}\n`);
