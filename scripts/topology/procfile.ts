import { readFile } from 'node:fs/promises';

/** One process of the deployment: its name and the shell command that runs it (a Procfile line). */
export interface ProcessLine {
  name: string;
  command: string;
}

/** Parses a Procfile (`name: command` a line; blank lines and `#` comments skipped), in file order. */
export function parseProcfile(text: string): ProcessLine[] {
  const lines: ProcessLine[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line);
    if (!match) throw new Error(`Procfile line ${i + 1} is not "name: command"`);
    if (lines.some((l) => l.name === match[1])) throw new Error(`Procfile names ${match[1]} twice`);
    lines.push({ name: match[1]!, command: match[2]! });
  }
  return lines;
}

export async function readProcfile(file: string): Promise<ProcessLine[]> {
  return parseProcfile(await readFile(file, 'utf8'));
}
