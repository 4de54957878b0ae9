/**
 * `rl-lab backends [--json]`: which TensorFlow.js backends load here, in selection order,
 * and why the others do not (the same probe training runs; the run record keeps its notes).
 */
import { describeBackends } from '../training/backends';

export async function runBackendsCommand(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const reports = await describeBackends();
  const chosen = reports.find((r) => r.loads)?.name ?? null;
  if (json) {
    process.stdout.write(`${JSON.stringify({ auto: chosen, backends: reports })}\n`);
  } else {
    for (const r of reports) {
      const mark = r.name === chosen ? '*' : r.loads ? '+' : '-';
      process.stdout.write(`${mark} ${r.name.padEnd(15)} ${r.loads ? 'loads' : 'skipped'}: ${r.detail}\n`);
    }
    process.stdout.write(`auto selects: ${chosen ?? 'none'}  (* selected, + also loads, - skipped; force one with --backend NAME or the rlLab.backend setting)\n`);
  }
  return chosen ? 0 : 1;
}
