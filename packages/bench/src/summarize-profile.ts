import { readFileSync } from 'node:fs';
import { summarizeProfile, type CpuProfile, type SelfTime } from './cpu-profile-summary.js';

/**
 * `node dist/summarize-profile.js <file.cpuprofile> [top] [last seconds]`: the thread's busy time
 * (idle left out) by origin and the top functions by self time, as Markdown tables; with a last
 * seconds figure only the end of the profile counts (the steady run is the bench's last phase).
 */
const [file, topArgument, lastArgument] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/summarize-profile.js <file.cpuprofile> [top=40] [last seconds]');
  process.exit(2);
}
const top = Number(topArgument ?? 40);
const summary = summarizeProfile(
  JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
  lastArgument === undefined ? {} : { lastSeconds: Number(lastArgument) },
);
const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const table = (rows: SelfTime[], withWhere: boolean) =>
  rows
    .map(
      (row) =>
        `| ${row.name} | ${withWhere ? `${row.where} | ` : ''}${row.selfMs} | ${pct(row.share)} |`,
    )
    .join('\n');
console.log(`busy ${summary.totalMs} ms (idle excluded)\n`);
console.log('| origin | self ms | share |\n| --- | --- | --- |');
console.log(table(summary.origins.slice(0, top), false));
console.log('\n| function | where | self ms | share |\n| --- | --- | --- | --- |');
console.log(table(summary.functions.slice(0, top), true));
