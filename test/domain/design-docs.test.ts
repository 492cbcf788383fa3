import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The project's own copies of the shared design (docs/contract.md, docs/protocol.md): what messages
 * cite is in the repository, each copy says first where the project departs, and below its line it
 * is the shared design's text, kept in step.
 */
const root = path.resolve(import.meta.dirname, '../..');
const shared = path.resolve(root, '../shared/design');
const copies = { 'docs/contract.md': 'CONTRACT.md', 'docs/protocol.md': 'PROTOCOL.md' } as const;
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const belowTheLine = (text: string) => text.slice(text.indexOf('\n---\n') + '\n---\n\n'.length);

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) yield* sources(rel);
    else if (/\.(ts|mjs)$/.test(name)) yield rel;
  }
}

describe('the design documents the project cites', () => {
  it('are in the repository, with the departures first and the shared text below the line', () => {
    for (const [copy, original] of Object.entries(copies)) {
      const text = read(copy);
      expect(text, copy).toMatch(/^## Where this project departs from the shared design/m);
      expect(text.indexOf('\n---\n'), copy).toBeGreaterThan(text.indexOf('## Where this project departs'));
      // Kept in step: checked wherever the shared design sits beside the repository (it does on the team's machines).
      if (existsSync(path.join(shared, original))) expect(belowTheLine(text), `${copy} below the line is ${original}`).toBe(readFileSync(path.join(shared, original), 'utf8'));
    }
  });

  it('are what messages cite, by a section that exists', () => {
    const sections = Object.fromEntries(Object.keys(copies).map((copy) => [copy, new Set([...belowTheLine(read(copy)).matchAll(/^#{2,3} (\d+(?:\.\d+)?)[. ]/gm)].map((m) => m[1]))]));
    const cited: string[] = [];
    for (const dir of ['client', 'domain', 'machines', 'workflows', 'activities', 'worker', 'store', 'scripts']) {
      for (const file of sources(dir)) {
        read(file).split('\n').forEach((line, i) => {
          const code = line.replace(/^\s*(\/\/|\*|\/\*\*?).*$/, '');
          // A message (a string in code, not a comment) names the repository's copy, not the shared design's file.
          expect(code, `${file}:${i + 1}`).not.toMatch(/['"`][^'"`]*(?<!docs\/)\b(CONTRACT|PROTOCOL)\.md/);
          for (const m of code.matchAll(/(docs\/(?:contract|protocol)\.md) §(\d+(?:\.\d+)?)/g)) {
            cited.push(`${file}:${i + 1}`);
            expect(sections[m[1]!]!.has(m[2]!), `${file}:${i + 1} cites ${m[1]} §${m[2]}`).toBe(true);
          }
        });
      }
    }
    expect(cited.length).toBeGreaterThan(3);
  });
});
