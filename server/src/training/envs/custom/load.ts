/**
 * Loads a custom environment module in the TRAINING process (worker or CLI); the language
 * server never calls this, so user code never runs in the editor's server.
 *
 * - JavaScript (.js, .cjs): Node's own `require`; an ES module falls back to `import()`.
 *   .mjs: `import()`.
 * - TypeScript (.ts, .cts, .mts), and JavaScript written with `import`/`export` outside an
 *   ES-module package: bundled by esbuild (`buildSync`, bundle: true, packages external, so
 *   the module's own relative imports work too) and compiled as a CommonJS module named after
 *   the original file (so `require` of packages resolves from the workspace). esbuild is a
 *   devDependency of RL Lab and usually installed in JavaScript workspaces; it is looked up
 *   next to the module first, then next to RL Lab. Without it the error says what to do.
 */
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CustomEnvError } from './validate';
import { TS_EXTENSIONS } from './path';

export const NEEDS_ESBUILD =
  'TypeScript custom environments need the esbuild package; write the environment in JavaScript or install esbuild (npm install --save-dev esbuild)';

/** The minimal part of esbuild's API used here (esbuild is optional at run time). */
interface EsbuildLike {
  buildSync(options: Record<string, unknown>): { outputFiles?: { text: string }[] };
}

/** The module's exports (whatever it exports; pickEnvExport decides what is usable). */
export async function loadModuleExports(file: string): Promise<unknown> {
  if (!existsSync(file)) throw new CustomEnvError(file, 'file not found');
  const ext = extname(file).toLowerCase();
  try {
    if ((TS_EXTENSIONS as readonly string[]).includes(ext)) return compileAndRun(file, requireEsbuild(file));
    if (ext === '.mjs') return await import(pathToFileURL(file).href);
    try {
      return createRequire(file)(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_REQUIRE_ESM') return await import(pathToFileURL(file).href);
      if (e instanceof SyntaxError && /import statement|export|Unexpected token 'export'/.test(e.message)) {
        const esbuild = findEsbuild(file);
        if (!esbuild) {
          throw new CustomEnvError(file, `uses import/export syntax in a CommonJS package; rename it to .mjs, add "type": "module" to its package.json, or install esbuild`);
        }
        return compileAndRun(file, esbuild);
      }
      throw e;
    }
  } catch (e) {
    if (e instanceof CustomEnvError) throw e;
    throw new CustomEnvError(file, `loading the module failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function requireEsbuild(file: string): EsbuildLike {
  const esbuild = findEsbuild(file);
  if (!esbuild) throw new CustomEnvError(file, NEEDS_ESBUILD);
  return esbuild;
}

/** esbuild from the module's workspace, else from RL Lab's own installation; undefined if neither has it. */
function findEsbuild(file: string): EsbuildLike | undefined {
  for (const from of [file, __filename]) {
    try {
      const esbuild = createRequire(from)('esbuild') as Partial<EsbuildLike>;
      if (typeof esbuild.buildSync === 'function') return esbuild as EsbuildLike;
    } catch {
      // Not installed there; try the next place.
    }
  }
  return undefined;
}

/** Module internals used to run compiled code under the original file name (as ts-node and pirates do). */
type CompilableModule = Module & { _compile(code: string, filename: string): void };
type ModuleStatics = typeof Module & { _nodeModulePaths(dir: string): string[] };

function compileAndRun(file: string, esbuild: EsbuildLike): unknown {
  let code: string;
  try {
    const result = esbuild.buildSync({
      entryPoints: [file],
      bundle: true,
      packages: 'external',
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    code = result.outputFiles?.[0]?.text ?? '';
  } catch (e) {
    // esbuild's error lists each problem as "file:line:col: ERROR: text"; the first is enough.
    const errors = (e as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors;
    const first = errors?.[0];
    const where = first?.location ? ` (line ${first.location.line}, column ${first.location.column + 1})` : '';
    throw new CustomEnvError(file, `does not compile: ${first ? first.text + where : e instanceof Error ? e.message : String(e)}`);
  }
  const m = new Module(file) as CompilableModule;
  m.filename = file;
  m.paths = (Module as ModuleStatics)._nodeModulePaths(dirname(file));
  m._compile(code, file);
  return m.exports;
}
