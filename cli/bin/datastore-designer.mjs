#!/usr/bin/env node
// The `datastore-designer` command: loads tsx (the config model ships TypeScript sources), then runs the tool.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
