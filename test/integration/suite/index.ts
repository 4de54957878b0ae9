/**
 * Entry the Extension Development Host loads (`--extensionTestsPath`): runs every
 * `*.suite.js` next to it with mocha's TDD interface, inside VS Code's extension host.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000 });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.suite.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
