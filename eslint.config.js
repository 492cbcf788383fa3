import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ── Layers (docs/architecture.md) ───────────────────────────────────────────────────────────────
// Imports point one way, from app/ at the top down to domain/. Each layer names the layers of ours it
// may not import; a file's imports are relative ('../store/database'), and no folder inside a layer is
// named after a layer (test/architecture/layers.test.ts checks), so `../` then a layer's name is that layer.
const ours = ['domain', 'machines', 'workflows', 'activities', 'store', 'worker', 'client', 'scripts', 'app', 'local'];
const allBut = (...allowed) => ours.filter((layer) => !allowed.includes(layer));

const layers = {
  domain: { forbids: allBut('domain'), why: 'domain/ imports nothing of ours but domain/' },
  local: { forbids: allBut('local'), why: 'local/ (where this checkout keeps its data and tools) imports nothing of ours' },
  machines: { forbids: allBut('machines', 'domain'), why: 'machines/ import domain/ only' },
  workflows: { forbids: allBut('workflows', 'machines', 'domain'), why: 'workflows/ import domain/, machines/ and workflows/ only' },
  // The worker is handed its activities and loads workflows by path (worker/bundle.ts): it needs neither as an import.
  worker: { forbids: allBut('worker', 'domain', 'store'), why: 'worker/ imports domain/ and store/ only' },
  store: { forbids: ['machines', 'workflows', 'activities', 'client', 'scripts', 'app'], why: 'store/ never imports machines/, workflows/, activities/, client/, scripts/ or app/' },
  activities: { forbids: ['client', 'scripts', 'app'], why: 'activities/ never import client/, scripts/ or app/' },
  client: { forbids: ['scripts', 'app'], why: 'client/ never imports scripts/ or app/ (the composition root and the tooling sit above it)' },
  scripts: { forbids: ['app'], why: 'scripts/ never imports app/ (app/ starts what scripts/ provisions)' },
};

/** A relative import that climbs out of the file's layer into one of these. */
const into = (forbidden) => `^(\\.\\./)+(${forbidden.join('|')})(/|$)`;
// The same, for esquery selectors (dynamic `import()`, `typeof import()`): its regex literals cannot hold a slash.
const intoSelector = (forbidden) => `/^(\\.\\.\\x2F)+(${forbidden.join('|')})(\\x2F|$)/`;

const noIo = ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'];

// Workflow code runs in Temporal's deterministic sandbox: wall-clock reads and randomness must come
// from the sandbox's own replacements, never from Node; domain/ and machines/ know nothing of Temporal.
const sandboxPatterns = {
  workflows: [
    { group: noIo, message: 'No I/O in domain/, machines/ or workflows/ (ARCHITECTURE.md).' },
    { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'], message: 'Workflow-side code may import only @temporalio/workflow.' },
  ],
  machines: [
    { group: noIo, message: 'No I/O in domain/ or machines/ (ARCHITECTURE.md).' },
    { group: ['@temporalio/*'], message: 'domain/ and machines/ know nothing about Temporal (ARCHITECTURE.md).' },
  ],
};
sandboxPatterns.domain = sandboxPatterns.machines;

// domain/ and machines/ are pure functions of their inputs: state kept at module level would make a
// case's decisions depend on what ran before it in the same worker (and rule out sharing the modules
// between workflows, worker/bundle.ts).
const pureSyntax = [
  { selector: 'Program > VariableDeclaration[kind!="const"], Program > ExportNamedDeclaration > VariableDeclaration[kind!="const"]', message: 'No module-level mutable state in domain/ or machines/: they must stay pure (ARCHITECTURE.md).' },
];

/** The rules of one layer's files: its forbidden layers, plus what else its folder forbids. */
function layerRules(folder, forbidden = layers[folder].forbids, why = layers[folder].why) {
  const message = `${why} (docs/architecture.md).`;
  return {
    'no-restricted-imports': ['error', { patterns: [{ regex: into(forbidden), message }, ...(sandboxPatterns[folder] ?? [])] }],
    // no-restricted-imports sees only static imports and re-exports.
    'no-restricted-syntax': ['error',
      { selector: `ImportExpression[source.value=${intoSelector(forbidden)}]`, message },
      { selector: `TSImportType[argument.literal.value=${intoSelector(forbidden)}]`, message },
      ...(folder === 'domain' || folder === 'machines' ? pureSyntax : []),
    ],
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.data/', 'outbox/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...Object.keys(layers).map((folder) => ({ files: [`${folder}/**/*.ts`], rules: layerRules(folder) })),
  {
    // Exempt until issue 19 item 5 (the case is the single writer of its decisions): this file's
    // activities forward a meeting's decisions to the case through the case client and read the
    // case's state back; item 5 removes them, and this block with them.
    files: ['activities/meeting-activities.ts'],
    rules: layerRules('activities', ['scripts', 'app'], 'activities/ never import scripts/ or app/ (client/ is exempt here until issue 19 item 5)'),
  },
);
