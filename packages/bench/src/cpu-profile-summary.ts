/** The parts of a V8 `.cpuprofile` (Chrome DevTools format) that self time needs. */
export type CpuProfile = {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
};

/** Only the samples of the profile's last `lastSeconds` (the phase of interest ends the run). */
export type SummaryWindow = { lastSeconds?: number };

export type SelfTime = { name: string; where: string; selfMs: number; share: number };

export type ProfileSummary = {
  totalMs: number;
  /** Self time per function (name + file:line), largest first. */
  functions: SelfTime[];
  /** Self time per origin: a package, Node's internals, V8 (GC, program), or Parley's own packages. */
  origins: SelfTime[];
};

/** Where a frame's code comes from, coarse enough to add up into a cost table. */
export function originOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope = '', name = ''] = url.slice(modules + 14).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const own = /\/(packages|apps)\/([^/]+)\//.exec(url);
  return own ? `parley:${own[2]}` : url;
}

const ranked = (
  totals: Map<string, { name: string; where: string; ns: number }>,
  totalNs: number,
) =>
  [...totals.values()]
    .sort((a, b) => b.ns - a.ns)
    .map((entry) => ({
      name: entry.name,
      where: entry.where,
      selfMs: Math.round(entry.ns / 1000) / 1000,
      share: totalNs === 0 ? 0 : entry.ns / totalNs,
    }));

/** Adds up each sample's time delta onto the node it hit: self time per function and per origin. */
export function summarizeProfile(profile: CpuProfile, window: SummaryWindow = {}): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  // V8 records each sample's delta from the one before, in microseconds.
  const spanUs = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  const fromUs = window.lastSeconds === undefined ? -Infinity : spanUs - window.lastSeconds * 1e6;
  let atUs = 0;
  const functions = new Map<string, { name: string; where: string; ns: number }>();
  const origins = new Map<string, { name: string; where: string; ns: number }>();
  let totalNs = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const deltaUs = profile.timeDeltas[index] ?? 0;
    atUs += deltaUs;
    const ns = deltaUs * 1000;
    if (!node || ns <= 0 || atUs < fromUs) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') return;
    totalNs += ns;
    const name = functionName || '(anonymous)';
    const where = url === '' ? '' : `${url.replace(/^file:\/\//, '')}:${lineNumber + 1}`;
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, ns: 0 };
    entry.ns += ns;
    functions.set(key, entry);
    const origin = originOf(url, functionName);
    const byOrigin = origins.get(origin) ?? { name: origin, where: '', ns: 0 };
    byOrigin.ns += ns;
    origins.set(origin, byOrigin);
  });
  return {
    totalMs: Math.round(totalNs / 1000) / 1000,
    functions: ranked(functions, totalNs),
    origins: ranked(origins, totalNs),
  };
}
