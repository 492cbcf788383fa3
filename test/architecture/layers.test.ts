import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../local/paths';

// The layers of docs/architecture.md, as eslint.config.js enforces them. Each row is a file placed in a
// layer (at some depth below it) with one import the layer may not make: the rule must fire on it.
const layerRules = ['no-restricted-imports', 'no-restricted-syntax'];

const forbidden: { layer: string; dir: string; source: string; why: string }[] = [
  { layer: 'domain', dir: 'domain', source: "import type { CaseView } from '../machines/referral';\nexport type View = CaseView;\n", why: 'domain/ imports nothing of ours but domain/' },
  { layer: 'domain', dir: 'domain/profiles', source: "export { openDatabase } from '../../store/database';\n", why: 'domain/ imports nothing of ours but domain/' },
  { layer: 'local', dir: 'local', source: "import { parseConfig } from '../domain/config';\nexport const parse = parseConfig;\n", why: 'local/' },
  { layer: 'machines', dir: 'machines/referral', source: "import { caseWorkflowId } from '../../workflows/referral.messages';\nexport const id = caseWorkflowId;\n", why: 'machines/ import domain/ only' },
  { layer: 'workflows', dir: 'workflows', source: "import type { MailPort } from '../activities/mail.port';\nexport type Mail = MailPort;\n", why: 'workflows/ import domain/, machines/ and workflows/ only' },
  { layer: 'activities', dir: 'activities', source: "import { CaseClient } from '../client/cases';\nexport const cases = CaseClient;\n", why: 'activities/ never import client/' },
  { layer: 'activities', dir: 'activities/fixtures', source: "import type { Log } from '../../scripts/run';\nexport type L = Log;\n", why: 'activities/ never import client/, scripts/' },
  { layer: 'store', dir: 'store/records', source: "import { createActivities } from '../../activities';\nexport const make = createActivities;\n", why: 'store/ never imports' },
  { layer: 'worker', dir: 'worker', source: "import { CaseClient } from '../client/cases';\nexport const cases = CaseClient;\n", why: 'worker/ imports domain/ and store/ only' },
  { layer: 'client', dir: 'client', source: "import { startEmbeddedPostgres } from '../scripts/postgres';\nexport const start = startEmbeddedPostgres;\n", why: 'client/ never imports scripts/ or app/' },
  { layer: 'client', dir: 'client/cli/commands', source: "import { startService } from '../../../app/service';\nexport const start = startService;\n", why: 'client/ never imports scripts/ or app/' },
  // Dynamic imports escape no-restricted-imports: the config catches them with no-restricted-syntax.
  { layer: 'client', dir: 'client/cli', source: "export const load = () => import('../../scripts/test-server');\n", why: 'client/ never imports scripts/ or app/' },
  { layer: 'scripts', dir: 'scripts/topology', source: "import { startService } from '../../app/service';\nexport const start = startService;\n", why: 'scripts/ never imports app/' },
];

const eslint = new ESLint({ cwd: repoRoot });

/**
 * Lints a probe's source as if it were a file in `dir`, as `npx eslint .` would find it there. Nothing
 * is written into the tree: a test killed part-way leaves no probe behind to fail the next lint.
 */
async function lintProbe(dir: string, source: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, dir, `layers-probe-${randomUUID().slice(0, 8)}.ts`) });
  return result!;
}

const layerMessages = (result: ESLint.LintResult) => result.messages.filter((m) => layerRules.includes(m.ruleId ?? ''));

describe('the layers are enforced by eslint.config.js (docs/architecture.md)', () => {
  it.each(forbidden)('a file in $dir with a forbidden import fails the lint ($why)', async ({ dir, source, why }) => {
    const messages = layerMessages(await lintProbe(dir, source));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.severity).toBe(2);
    expect(messages[0]!.message).toContain(why);
  });

  it('an import the layer may make passes (client/ reads the store; workflows/ host machines)', async () => {
    expect(layerMessages(await lintProbe('client', "import { openDatabase } from '../store/database';\nexport const open = openDatabase;\n"))).toEqual([]);
    expect(layerMessages(await lintProbe('workflows', "import type { CaseView } from '../machines/referral';\nexport type View = CaseView;\n"))).toEqual([]);
  });

  it('the sandbox rules still hold beside the layer rules: no I/O and no Temporal client in workflow-side code', async () => {
    const io = layerMessages(await lintProbe('domain', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"));
    expect(io.map((m) => m.message).join('\n')).toContain('No I/O');
    const temporal = layerMessages(await lintProbe('workflows', "import { Client } from '@temporalio/client';\nexport const C = Client;\n"));
    expect(temporal.map((m) => m.message).join('\n')).toContain('only @temporalio/workflow');
  });

  it('the exemption of activities/meeting-activities.ts (until issue 19 item 5) covers client/ only', async () => {
    const lint = async (source: string) => layerMessages((await eslint.lintText(source, { filePath: path.join(repoRoot, 'activities/meeting-activities.ts') }))[0]!);
    expect(await lint("import { CaseClient } from '../client/cases';\nexport const cases = CaseClient;\n")).toEqual([]);
    expect(await lint("import { startService } from '../app/service';\nexport const start = startService;\n")).toHaveLength(1);
    // Any other activity file is held to the rule.
    expect(layerMessages(await lintProbe('activities', "import { CaseClient } from '../client/cases';\nexport const cases = CaseClient;\n"))).toHaveLength(1);
  });

  it('the current tree passes the layer rules', async () => {
    const results = await eslint.lintFiles(['domain', 'local', 'machines', 'workflows', 'activities', 'store', 'worker', 'client', 'scripts', 'app']);
    const violations = results.flatMap((r) => layerMessages(r).map((m) => `${path.relative(repoRoot, r.filePath)}:${m.line} ${m.message}`));
    expect(violations).toEqual([]);
    // Every source file of every layer was read (289 when this was written), not an empty match.
    expect(results.length).toBeGreaterThan(250);
  });

  it('no folder inside a layer is named after a layer, so `../<layer>/` in an import always means the top-level layer', () => {
    const layers = ['domain', 'local', 'machines', 'workflows', 'activities', 'store', 'worker', 'client', 'scripts', 'app'];
    const nested = (dir: string): string[] => readdirSync(path.join(repoRoot, dir), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => [path.join(dir, e.name), ...nested(path.join(dir, e.name))]);
    const clashes = layers.flatMap(nested).filter((dir) => layers.includes(path.basename(dir)));
    expect(clashes).toEqual([]);
  });
});
