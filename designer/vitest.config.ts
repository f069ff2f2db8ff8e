// Unit tests of the designer's model (pure functions over configs) run in plain Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
