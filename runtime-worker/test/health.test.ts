// The worker answers its health route inside workerd.
import { SELF } from 'cloudflare:test';
import { expect, test } from 'vitest';

test('health answers', async () => {
  const response = await SELF.fetch('http://runtime.test/api/health');
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});
