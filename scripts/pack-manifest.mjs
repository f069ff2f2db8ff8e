// `npm pack` of schema/ and preview/: builds dist/ and packs a manifest whose exports point at it, then puts the
// workspace's manifest (exports of the TypeScript sources) back.
//
// In the repository the packages export their sources, so the designer's Vite build, vitest, tsc, wrangler and
// tsx all run without a build step. A packed package must export built JavaScript instead. npm has no way to
// change `exports` at pack time, so `publishConfig.exports` holds the packed map (the convention pnpm and Yarn
// apply themselves) and this script swaps it in for the duration of the pack.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const step = process.argv[2];
const dir = process.cwd();
const manifestPath = join(dir, 'package.json');
const keptPath = join(dir, '.package.workspace.json');

const restore = () => {
  if (existsSync(keptPath)) renameSync(keptPath, manifestPath);
};

if (step === 'prepack') {
  // A pack that died half-way left the workspace manifest aside: put it back before starting again.
  restore();
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const build = spawnSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const { exports: packedExports, ...publishConfig } = manifest.publishConfig ?? {};
  if (!packedExports) throw new Error(`${manifestPath} has no publishConfig.exports to pack with`);
  const packed = { ...manifest, exports: packedExports };
  // What only the workspace needs: its scripts (they run tools from the repository) and its dev dependencies.
  delete packed.scripts;
  delete packed.devDependencies;
  if (Object.keys(publishConfig).length > 0) packed.publishConfig = publishConfig;
  else delete packed.publishConfig;
  renameSync(manifestPath, keptPath);
  writeFileSync(manifestPath, `${JSON.stringify(packed, null, 2)}\n`);
} else if (step === 'postpack') {
  restore();
} else {
  console.error('usage: node scripts/pack-manifest.mjs prepack|postpack');
  process.exit(2);
}
