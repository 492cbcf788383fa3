#!/usr/bin/env node
// The `hrda` command: runs the TypeScript CLI through tsx, so no build step stands between
// `npm install` and `npx hrda`.
import { register } from 'tsx/esm/api';

register();
await import('../app/cli/main.ts');
