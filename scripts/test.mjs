// `npm test`: builds, type-checks, installs what the suites need (idempotent, cached in
// ignored folders), then runs every suite in one `node --test` invocation so the closing
// summary covers them all. `node scripts/test.mjs unit server` runs just those suites.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['unit', 'server', 'learning', 'browser', 'integration', 'e2e'];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = asked.length ? asked : ALL;
for (const s of suites) if (!ALL.includes(s)) throw new Error(`unknown suite ${s}; one of ${ALL.join(', ')}`);

function run(cmd, args) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
}

function testFiles(dir) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts')) out.push(relative(root, p));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

run('node', ['scripts/build.mjs']);
if (!asked.length) run('npx', ['tsc', '-p', 'server']), run('npx', ['tsc', '-p', 'extension']), run('npx', ['tsc', '-p', 'webview']), run('npx', ['tsc', '-p', 'test']);

// Installers for the suites that drive a real browser or a real VS Code.
if (suites.includes('browser') || suites.includes('e2e')) run('bash', ['scripts/ensure-chromium.sh']);
if (suites.includes('e2e') || suites.includes('integration')) run('npm', ['run', 'package', '--silent']);
if (suites.includes('e2e')) run('bash', ['scripts/ensure-code-server.sh']);

const files = suites.flatMap((s) => testFiles(`test/${s}`));
if (!files.length) throw new Error(`no test files in ${suites.join(', ')}`);
console.log(`\n> node --test (${files.length} files: ${suites.join(', ')})`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, RL_LAB_ROOT: root } },
);
process.exit(result.status ?? 1);
