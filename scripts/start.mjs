// `npm start`: builds the designer, runs the runtime on one port with local storage, and deploys a demo app.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
spawnSync(process.execPath, [`${root}scripts/ensure-installed.mjs`], { stdio: 'inherit' });

/** The documented local-only settings: never use these values for a runtime others can reach. */
const LOCAL = {
  ADMIN_TOKEN: 'local-admin-token',
  AUTH_SECRET: 'local-auth-secret-do-not-use-in-production',
  DEV_MODE: 'true',
};
const port = Number(process.env.PORT ?? 8787);
const origin = `http://localhost:${port}`;
/** Other origins whose pages may call the runtime (CORS), comma-separated, e.g. a Vite app on :5173. */
const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? '')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean);

const designerBuilt = (() => {
  console.log('Building the designer…');
  const build = spawnSync('npm', ['run', 'build', '-w', 'designer'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) console.error('The designer did not build; the runtime starts without it.');
  return build.status === 0 && existsSync(`${root}designer/dist/index.html`);
})();

const wrangler = spawn(
  process.execPath,
  [
    `${root}node_modules/wrangler/bin/wrangler.js`,
    'dev',
    '--port',
    String(port),
    '--persist-to',
    `${root}.wrangler/state`,
    '--show-interactive-dev-session=false',
    ...Object.entries(LOCAL).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ...(allowedOrigins.length > 0 ? ['--var', `ALLOWED_ORIGINS:${allowedOrigins.join(',')}`] : []),
    ...(designerBuilt ? ['--assets', `${root}designer/dist`] : []),
  ],
  {
    cwd: `${root}runtime-worker`,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code) => process.exit(code ?? 0));

const admin = { authorization: `Bearer ${LOCAL.ADMIN_TOKEN}`, 'content-type': 'application/json' };
const api = (path, init = {}) =>
  fetch(`${origin}/api${path}`, { ...init, headers: { ...admin, ...init.headers } });

/** The to-do template, read from schema/ so the demo is always the template the designer offers. */
const loadTodoTemplate = async () => {
  const { default: ts } = await import('typescript');
  const source = readFileSync(`${root}schema/src/templates.ts`, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  const { templates } = await import(`data:text/javascript,${encodeURIComponent(outputText)}`);
  return templates.find((template) => template.id === 'todo').config;
};

const deployDemo = async () => {
  if ((await api('/apps/demo/config')).ok) return;
  const config = await loadTodoTemplate();
  const deployed = await api('/apps/demo/config', { method: 'PUT', body: JSON.stringify(config) });
  if (!deployed.ok) throw new Error(`the demo app was refused: ${await deployed.text()}`);
  const rows = [
    ['lists', 'groceries', { name: 'Groceries', owner: 'ada' }],
    ['todos', 'milk', { text: 'Buy milk', author: 'ada', list: 'groceries' }],
    ['todos', 'bread', { text: 'Bake bread', author: 'bob', list: 'groceries', done: true }],
  ];
  for (const [table, row, cells] of rows) {
    await api(`/apps/demo/datastores/board/instances/main/tables/${table}/rows/${row}`, {
      method: 'PUT',
      body: JSON.stringify(cells),
    });
  }
};

const waitForRuntime = async () => {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(`${origin}/api/health`)).ok) return;
    } catch {
      // Still starting.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error('the runtime did not start within a minute');
};

try {
  await waitForRuntime();
  await deployDemo();
  console.log(`\nDatastore Designer is running: open ${origin}`);
  console.log(`The runtime's admin token here is "${LOCAL.ADMIN_TOKEN}"; the demo app is "demo".`);
  console.log(
    allowedOrigins.length > 0
      ? `Pages on ${allowedOrigins.join(', ')} may call it too (ALLOWED_ORIGINS).`
      : 'Only pages it serves itself may call it; to let an app on another origin in, start with ' +
          'ALLOWED_ORIGINS=http://localhost:5173 npm start (comma-separated).',
  );
  console.log('Stop with Ctrl+C.\n');
} catch (error) {
  console.error(`Could not finish starting: ${error.message}`);
}
