#!/usr/bin/env node
// Runs the TypeScript sources through tsx so `npx accord` works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
