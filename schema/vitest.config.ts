// Unit tests of the config model run in plain Node: schema/ has no runtime of its own.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
