import type { PercentileCurve } from './latency-histogram.js';

export type ChartSeries = { name: string; color: string; curve: PercentileCurve };

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The latency percentile distribution, HdrHistogram style: x is 1 / (1 − percentile) on a log
 * scale (50 %, 90 %, 99 %, 99.9 %, 99.99 %), y is latency in ms on a log scale.
 */
export function percentileChart(title: string, series: ChartSeries[]): string {
  const width = 760;
  const height = 420;
  const left = 70;
  const right = 20;
  const top = 40;
  const bottom = 60;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xOf = (percentile: number) => Math.log10(100 / Math.max(1e-9, 100 - percentile)) / 4;
  const values = series.flatMap((s) => s.curve.map(([, ms]) => Math.max(0.01, ms)));
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...values, 1)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...values, 1)));
  const yOf = (ms: number) =>
    (Math.log10(Math.max(yMin, ms)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin));
  const px = (percentile: number) => left + xOf(percentile) * plotW;
  const py = (ms: number) => top + plotH - yOf(ms) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escape(title)}</text>`,
  ];
  for (const percentile of [0, 90, 99, 99.9, 99.99]) {
    const x = px(percentile);
    parts.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#ddd"/>`,
      `<text x="${x}" y="${top + plotH + 18}" text-anchor="middle">${percentile}%</text>`,
    );
  }
  for (let decade = yMin; decade <= yMax; decade *= 10) {
    const y = py(decade);
    parts.push(
      `<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${y + 4}" text-anchor="end">${decade >= 1 ? decade : decade.toFixed(2)} ms</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 18}" text-anchor="middle">percentile (delivery latency from scheduled send to receipt)</text>`,
  );
  series.forEach((s, index) => {
    const points = s.curve.map(([p, ms]) => `${px(p).toFixed(1)},${py(ms).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>`,
      `<rect x="${left + 12}" y="${top + 10 + index * 18}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${left + 30}" y="${top + 20 + index * 18}">${escape(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
