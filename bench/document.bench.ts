import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { compareVisualZone } from '@openidv/check-document';
import { getOcrEngine, readDocument } from '@openidv/document-reader';

interface GroundTruth {
  image: string;
  mrz_format: string | null;
  mrz_lines: string[];
  fields: Record<string, string>;
}

/**
 * Document reading on the shared specimen photos: exact full-MRZ reads, per-field accuracy, and time
 * per document (model load excluded: it happens once per process).
 */
export default {
  name: 'document',
  async run({ dataDir }: { dataDir: string }): Promise<string> {
    const dir = path.join(dataDir, 'documents');
    const docs = (
      JSON.parse(readFileSync(path.join(dir, 'ground_truth.json'), 'utf8')) as { documents: GroundTruth[] }
    ).documents;
    await getOcrEngine();
    const times: number[] = [];
    const cpus: number[] = [];
    const loadBefore = loadavg();
    let exact = 0;
    let lineHits = 0;
    let lineTotal = 0;
    const fieldHits: Record<string, [number, number]> = {};
    const vizTimes: number[] = [];
    let vizCompared = 0;
    let vizDisagree = 0;
    let specimenMarked = 0;
    const rows: string[] = [];
    for (const doc of docs) {
      const bytes = readFileSync(path.join(dir, doc.image));
      // Best of a few runs: on the shared machine the other engineers' processes only ever add time, so
      // the quickest run is the closest to what the read costs on its own.
      let r: Awaited<ReturnType<typeof readDocument>> | undefined;
      let best = Infinity;
      let bestCpu = 0;
      for (let run = 0; run < REPEAT; run++) {
        const c0 = process.cpuUsage();
        const t = performance.now();
        const read = await readDocument(bytes, { portrait: false });
        const wall = performance.now() - t;
        const c = process.cpuUsage(c0);
        if (wall < best) {
          r = read;
          best = wall;
          // Process CPU time (both OCR threads and the main thread).
          bestCpu = (c.user + c.system) / 1000;
        }
      }
      if (!r) throw new Error('no run');
      times.push(best);
      cpus.push(bestCpu);
      vizTimes.push(r.timingsMs['visualZone'] ?? 0);
      // Every image is a specimen that agrees with itself: a disagreement is a false VIZ_MRZ_MISMATCH.
      const comparisons = compareVisualZone(r);
      vizCompared += comparisons.length;
      vizDisagree += comparisons.filter((c) => !c.agree).length;
      if (r.visualZone?.specimenMarks.length) specimenMarked++;
      const got = r.mrz?.lines ?? [];
      const ok = got.length === doc.mrz_lines.length && got.every((l, i) => l === doc.mrz_lines[i]);
      if (ok) exact++;
      doc.mrz_lines.forEach((l, i) => {
        lineTotal++;
        if (got[i] === l) lineHits++;
      });
      // Fields compared on the printed layout, from the lines read (same split as the ground truth).
      for (const [name, value] of Object.entries(doc.fields ?? {})) {
        if (value === undefined || value === null) continue;
        const mine = fieldOf(name, r.mrz?.fields as Record<string, string> | undefined);
        if (mine === undefined) continue;
        fieldHits[name] ??= [0, 0];
        const cell = fieldHits[name];
        cell[1]++;
        if (norm(mine) === norm(String(value))) cell[0]++;
      }
      rows.push(
        `| ${path.basename(doc.image)} | ${doc.mrz_format ?? 'non-ICAO'} | ${ok ? 'exact' : `differs: ${diff(doc.mrz_lines, got)}`} | ${Math.round(times.at(-1)!)} | ${Math.round(cpus.at(-1)!)} |`,
      );
    }
    const loadAfter = loadavg();
    const quantile = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
    };
    const q = quantile(times);
    const qc = quantile(cpus);
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
    const fieldTable = Object.entries(fieldHits)
      .map(([k, [h, n]]) => `| ${k} | ${h}/${n} | ${((100 * h) / n).toFixed(0)}% |`)
      .join('\n');
    return [
      '## Document reading (MRZ and printed page)',
      '',
      `Measured: ${docs.length} specimen document images in \`shared/data/documents\` (ground_truth.json: 21 PRADO/ICAO/Wikimedia specimens from Arg0s1080/mrz and 4 PassportEye Utopia files), read by \`readDocument\` (portrait off, visual zone on) on this 2-core machine; OCR models loaded once before timing.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| full MRZ read exactly (all lines, every character) | ${exact}/${docs.length} (${((100 * exact) / docs.length).toFixed(0)}%) |`,
      `| MRZ lines read exactly | ${lineHits}/${lineTotal} (${((100 * lineHits) / lineTotal).toFixed(0)}%) |`,
      `| median time per document (wall, best of ${REPEAT} runs) | ${q(0.5)} ms |`,
      `| 95th percentile time (wall, best of ${REPEAT} runs) | ${q(0.95)} ms |`,
      `| median CPU time per document (process, 2 OCR threads) | ${qc(0.5)} ms |`,
      `| 95th percentile CPU time | ${qc(0.95)} ms |`,
      `| median time of the visual-zone (printed page) reading, included above | ${quantile(vizTimes)(0.5)} ms |`,
      `| printed fields compared with the MRZ / disagreeing (false \`VIZ_MRZ_MISMATCH\`) | ${vizCompared} / ${vizDisagree} |`,
      `| specimens with a specimen mark (SPECIMEN, VZOR, SAMPLE, …) read on the page | ${specimenMarked}/${docs.length} |`,
      `| load average (1/5/15 min) before → after | ${load(loadBefore)} → ${load(loadAfter)} |`,
      '',
      'Per field (documents where the ground truth has the field and a reading was produced):',
      '',
      '| field | correct | share |',
      '|---|---|---|',
      fieldTable,
      '',
      '<details><summary>Per document</summary>',
      '',
      '| image | format | MRZ | wall ms | CPU ms |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      '</details>',
      '',
      "Reproduce: `npm run bench -- document` (`OPENIDV_BENCH_REPEAT` sets the runs per document, default 3). Wall times depend on what else runs: the load average above is that of the shared 2-core machine during the run (other engineers' builds and tests running: at a load of 12 on 2 cores, wall time is mostly waiting); CPU time is the process's own and the better guide.",
      '',
    ].join('\n');
  },
};

/** Runs per document; the quickest counts (`OPENIDV_BENCH_REPEAT`). */
const REPEAT = Math.max(1, Number(process.env['OPENIDV_BENCH_REPEAT'] ?? 3));

const MAP: Record<string, string> = {
  surname: 'lastName',
  given_names: 'firstName',
  document_number: 'documentNumber',
  nationality: 'nationality',
  birth_date: 'birthDate',
  sex: 'sex',
  expiry_date: 'expirationDate',
  issuing_state: 'issuingState',
  document_code: 'documentCode',
};

function fieldOf(name: string, fields: Record<string, string> | undefined): string | undefined {
  const key = MAP[name];
  if (!key) return undefined;
  return fields?.[key] ?? '';
}

/** Where a reading differs from the truth: `line:column expected→read` for each wrong character. */
function diff(want: string[], got: string[]): string {
  if (got.length !== want.length) return `${got.length} lines read, ${want.length} printed`;
  const out: string[] = [];
  want.forEach((w, li) => {
    const g = got[li] ?? '';
    for (let i = 0; i < Math.max(w.length, g.length); i++) {
      if (w[i] !== g[i]) out.push(`${li + 1}:${i + 1} ${w[i] ?? '∅'}→${g[i] ?? '∅'}`);
    }
  });
  return `\`${out.slice(0, 4).join(', ')}${out.length > 4 ? ', …' : ''}\``;
}

function norm(s: string): string {
  return s.replace(/</g, ' ').replace(/\s+/g, ' ').trim().toUpperCase();
}
