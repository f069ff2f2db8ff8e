// The worker answers its health route inside workerd, with its clock (clients correct a wrong device clock by it).
import { SELF } from 'cloudflare:test';
import { expect, test } from 'vitest';

test('health answers with the runtime clock', async () => {
  const before = Date.now();
  const response = await SELF.fetch('http://runtime.test/api/health');
  expect(response.status).toBe(200);
  const body = (await response.json()) as { ok: boolean; now: number };
  expect(body.ok).toBe(true);
  expect(body.now).toBeGreaterThanOrEqual(before);
  expect(body.now).toBeLessThanOrEqual(Date.now());
});
