// Starts a real `wrangler dev` of runtime-worker/ on a free port for end-to-end and browser tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The local-only settings every test runtime uses (the same as `npm start`). */
export const LOCAL_SETTINGS = {
  ADMIN_TOKEN: 'local-admin-token',
  AUTH_SECRET: 'local-auth-secret-do-not-use-in-production',
  DEV_MODE: 'true',
} as const;

/** What `startRuntime` accepts: extra worker variables, where state lives, and which assets to serve. */
export interface RuntimeOptions {
  vars?: Record<string, string>;
  persistDir?: string;
  assetsDir?: string;
  /** Another wrangler config to run instead of runtime-worker/wrangler.jsonc, relative to the repo root. */
  config?: string;
}

/** A running runtime: where to reach it, its settings, and how to stop or restart it keeping its data. */
export interface Runtime {
  url: string;
  wsUrl: string;
  adminToken: string;
  authSecret: string;
  /** The process group of the running wrangler dev (its node process and both workerd processes). */
  readonly processGroup: number | undefined;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** SIGKILLs the whole process group (no clean shutdown, as a crash would), then starts again on the same port. */
  crash(): Promise<void>;
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const workerDir = join(repoRoot, 'runtime-worker');
const wranglerBin = join(repoRoot, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** Asks the OS for a port nobody holds right now. */
export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Stops a process group: killing only node would leave workerd holding the port. */
const stopGroup = async (child: ChildProcess): Promise<void> => {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!killed) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await exited;
  }
  // workerd children may outlive the leader briefly; make sure the whole group is gone.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Nothing left.
  }
};

// Groups still running when the test process exits (a crash, a timeout) are killed with it.
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Starts `wrangler dev` with the local settings on a free port and resolves once it answers. */
export const startRuntime = async (options: RuntimeOptions = {}): Promise<Runtime> => {
  const ownPersistDir = options.persistDir === undefined;
  const persistDir = options.persistDir ?? (await mkdtemp(join(tmpdir(), 'dd-runtime-')));
  const vars: Record<string, string> = { ...LOCAL_SETTINGS, ...options.vars };
  let child: ChildProcess | undefined;
  let port = 0;
  let output = '';

  const launch = async (samePort = false): Promise<void> => {
    if (!samePort) port = await freePort();
    const inspectorPort = await freePort();
    const args = [
      wranglerBin,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persistDir,
      '--show-interactive-dev-session=false',
      ...(options.config ? ['--config', resolve(repoRoot, options.config)] : []),
      ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      ...(options.assetsDir ? ['--assets', resolve(repoRoot, options.assetsDir)] : []),
    ];
    output = '';
    const started = spawn(process.execPath, args, {
      cwd: workerDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    child = started;
    if (started.pid !== undefined) {
      const pid = started.pid;
      running.add(pid);
      started.once('exit', () => running.delete(pid));
    }
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      // RUNTIME_LOG=1 shows the runtime's own log while debugging a test.
      if (process.env.RUNTIME_LOG) process.stderr.write(chunk);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (started.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await sleep(200);
    }
    await stopGroup(started);
    throw new Error(`wrangler dev did not answer within 90 s:\n${output}`);
  };

  await launch();
  const runtime: Runtime = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}`;
    },
    get processGroup() {
      return child?.pid;
    },
    adminToken: vars.ADMIN_TOKEN ?? LOCAL_SETTINGS.ADMIN_TOKEN,
    authSecret: vars.AUTH_SECRET ?? LOCAL_SETTINGS.AUTH_SECRET,
    async stop() {
      if (child) await stopGroup(child);
      child = undefined;
      if (ownPersistDir) await rm(persistDir, { recursive: true, force: true });
    },
    async crash() {
      const pid = child?.pid;
      if (child && pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((done) => child?.once('exit', () => done()));
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
        await exited;
      }
      await launch(true);
    },
    async restart() {
      if (child) await stopGroup(child);
      // Same port, so URLs handed out before the restart (and reconnecting clients) keep working.
      await launch(true);
    },
  };
  return runtime;
};
